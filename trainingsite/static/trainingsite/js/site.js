// Progressive enhancement only: every page works without it.
document.addEventListener("DOMContentLoaded", () => {
  // Switch language as soon as one is picked; the button stays for keyboard and no-JS users.
  for (const form of document.querySelectorAll(".js-language-form")) {
    const select = form.querySelector("select");
    select?.addEventListener("change", () => form.submit());
  }
});
