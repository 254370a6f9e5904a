// Quiz attempt page: countdown to the server's deadline, and showing refusals of autosave.
// The server decides the deadline; this only displays it and submits when it passes.
(function () {
  "use strict";
  var timer = document.querySelector(".quiz-timer");
  var form = document.querySelector(".js-quiz-form");
  if (!timer || !form) return;
  var secondsLeft = parseInt(timer.getAttribute("data-seconds-left"), 10) || 0;
  var endsAt = Date.now() + secondsLeft * 1000;
  var value = timer.querySelector(".js-countdown");
  var submitted = false;

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function tick() {
    var left = Math.max(0, Math.round((endsAt - Date.now()) / 1000));
    var h = Math.floor(left / 3600), m = Math.floor((left % 3600) / 60), s = left % 60;
    value.textContent = (h ? h + ":" + pad(m) : m) + ":" + pad(s);
    timer.classList.toggle("quiz-timer--low", left <= 60);
    if (left === 0 && !submitted) {
      submitted = true;
      var finish = form.querySelector(".js-finish");
      if (finish) { form.requestSubmit ? form.requestSubmit(finish) : finish.click(); }
      return;
    }
    window.setTimeout(tick, 1000 - (Date.now() % 1000));
  }
  tick();

  // Show the server's refusal (409: late answer, finished attempt, forged choice) in place.
  document.body.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr.status === 409) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();
