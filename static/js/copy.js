// "Copy" buttons: <button data-copy="#input-id"> copies that field's value.
(function () {
  "use strict";
  document.addEventListener("click", async (event) => {
    const button = event.target.closest("[data-copy]");
    if (!button) return;
    const field = document.querySelector(button.dataset.copy);
    if (!field) return;
    const original = button.textContent;
    try {
      await navigator.clipboard.writeText(field.value);
    } catch (error) {
      field.select(); // no clipboard access (plain http): leave it selected to copy by hand
      document.execCommand && document.execCommand("copy");
    }
    button.textContent = "Copied";
    setTimeout(() => { button.textContent = original; }, 1500);
  });
})();
