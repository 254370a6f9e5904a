// A refused action (400/409) answers with the fragment holding the reason: swap it in like a
// success, so the person sees why instead of nothing happening (htmx ignores error answers by default).
document.addEventListener("htmx:beforeSwap", (event) => {
  const status = event.detail.xhr.status;
  if ((status === 400 || status === 409) && event.detail.target.closest("[data-mentoring]")) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
