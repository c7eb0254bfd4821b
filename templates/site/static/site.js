/* On every page: "/" focuses the search box (the page's own on search.html, else the
   header's), as on most sites with search, unless a text field already has the focus. */
(function () {
  "use strict";
  document.addEventListener("keydown", function (ev) {
    if (ev.key !== "/" || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    var el = document.activeElement, tag = el && el.tagName;
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (el && el.isContentEditable)) return;
    var box = document.getElementById("q") || document.getElementById("site-q");
    if (!box) return;
    ev.preventDefault();
    box.focus();
    box.select();
  });
})();
