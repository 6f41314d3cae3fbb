/* Small behaviours of the AOC portal, without inline handlers:
   - forms with data-confirm ask before they submit (delete buttons);
   - a failed htmx request shows a calm notice instead of doing nothing;
   - buttons with data-check-all / data-check-none="#container" tick or clear its checkboxes. */
(function () {
  "use strict";

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter;
    var message = (submitter && submitter.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  function showNetworkError(show) {
    var box = document.getElementById("htmx-error");
    if (box) box.classList.toggle("d-none", !show);
  }
  document.addEventListener("htmx:sendError", function () { showNetworkError(true); });
  document.addEventListener("htmx:responseError", function () { showNetworkError(true); });
  document.addEventListener("htmx:afterSwap", function () { showNetworkError(false); });

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-check-all], [data-check-none]");
    if (!button) return;
    var all = button.hasAttribute("data-check-all");
    var container = document.querySelector(button.getAttribute(all ? "data-check-all" : "data-check-none"));
    if (!container) return;
    container.querySelectorAll("input[type=checkbox]").forEach(function (box) { box.checked = all; });
  });
})();
