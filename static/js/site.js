// Progressive enhancement only: every page works without this file.
document.addEventListener("DOMContentLoaded", function () {
  // Move focus to an error summary so screen-reader users hear what went wrong.
  var summary = document.getElementById("foutmeldingen");
  if (summary) { summary.focus(); }
  // On a wide screen there is room for the filters beside the results: show them unfolded.
  var fold = document.querySelector("details.filter-fold");
  if (fold && window.matchMedia("(min-width: 60rem)").matches) { fold.open = true; }
  // Buttons that print the page (e.g. the consultant's match results).
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
});
