// Small progressive enhancements for every page; each page works without them.
// No choice submits its form by itself: the bar's language is changed with its button, since a keyboard's arrows
// fire `change` at each option passed (WCAG 3.2.2) and a reload would lose what the page holds (the modeler's work).
document.querySelectorAll("[data-confirm]").forEach((el) => {
  el.addEventListener("click", (event) => {
    if (!window.confirm(el.dataset.confirm)) event.preventDefault();
  });
});
// A tip shown on hover or focus (the deadline's legal ground) hides on Escape wherever the focus is (a tip shown by
// the mouse too: WCAG 1.4.13), and shows again on the next visit.
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  document.querySelectorAll(".has-tip").forEach((holder) => {
    if (holder.matches(":hover, :focus-within")) holder.classList.add("tip-dismissed");
  });
});
document.querySelectorAll(".has-tip").forEach((holder) => {
  for (const back of ["focusin", "mouseenter"]) holder.addEventListener(back, () => holder.classList.remove("tip-dismissed"));
});
