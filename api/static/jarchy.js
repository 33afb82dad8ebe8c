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
// A tip shown on hover or focus (the deadline's legal ground) hides on Escape, and shows again on the next visit.
document.querySelectorAll(".has-tip").forEach((holder) => {
  holder.addEventListener("keydown", (event) => {
    if (event.key === "Escape") holder.classList.add("tip-dismissed");
  });
  for (const back of ["focusin", "mouseenter"]) holder.addEventListener(back, () => holder.classList.remove("tip-dismissed"));
});
