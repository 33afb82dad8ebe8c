// Small progressive enhancements for every page; each page works without them.
document.querySelectorAll("select[data-autosubmit]").forEach((select) => {
  const button = select.form.querySelector("button[type=submit]");
  if (button) button.hidden = true;
  select.addEventListener("change", () => select.form.submit());
});
document.querySelectorAll("[data-confirm]").forEach((el) => {
  el.addEventListener("click", (event) => {
    if (!window.confirm(el.dataset.confirm)) event.preventDefault();
  });
});
