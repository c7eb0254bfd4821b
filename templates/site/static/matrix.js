/* The competency matrix: show the "levels continue to the right" hint only while they do, and
   tell the CSS how tall the sticky level header is, so that a competency's name stays in view
   just under it while a tall row scrolls by. Without JavaScript the hint simply stays visible
   and the name keeps under a header of the usual height. */
(function () {
  "use strict";
  var frames = document.querySelectorAll("[data-matrix-frame]");
  Array.prototype.forEach.call(frames, function (frame) {
    var region = frame.querySelector(".matrix-scroll");
    var hint = frame.querySelector("[data-scroll-hint]");
    var head = frame.querySelector("thead tr.levels");
    if (!region || !hint) { return; }
    function update() {
      if (head) { region.style.setProperty("--matrix-head", head.getBoundingClientRect().height + "px"); }
      var more = region.scrollLeft + region.clientWidth < region.scrollWidth - 2;
      frame.classList.toggle("more-right", more);
      hint.hidden = !more;
    }
    region.addEventListener("scroll", update, { passive: true });
    window.addEventListener("resize", update);
    update();
  });
})();
