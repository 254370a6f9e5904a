// Copy buttons for response templates. Progressive enhancement: without JS the answer is plain,
// selectable text and the button stays hidden.
(() => {
  function enable(root) {
    for (const button of root.querySelectorAll(".js-copy")) {
      if (!navigator.clipboard) continue;
      button.hidden = false;
      if (button.dataset.bound) continue;
      button.dataset.bound = "1";
      const label = button.textContent;
      button.addEventListener("click", async () => {
        const answer = button.closest(".response-template")?.querySelector(".response-template__answer");
        if (!answer) return;
        try {
          await navigator.clipboard.writeText(answer.textContent.trim());
          button.textContent = button.dataset.copiedLabel || label;
          button.classList.add("is-copied");
          setTimeout(() => { button.textContent = label; button.classList.remove("is-copied"); }, 2000);
        } catch (error) {
          // Clipboard refused (insecure context, permissions): select the text for a manual copy.
          const range = document.createRange();
          range.selectNodeContents(answer);
          const selection = window.getSelection();
          selection.removeAllRanges();
          selection.addRange(range);
        }
      });
    }
  }
  document.addEventListener("DOMContentLoaded", () => enable(document));
  document.addEventListener("htmx:afterSwap", (event) => enable(event.target));
})();
