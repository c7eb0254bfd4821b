/* The competency matrix: show the "levels continue to the right" hint only while they do.
   Without JavaScript the hint simply stays visible. */
(function () {
  "use strict";
  var frames = document.querySelectorAll("[data-matrix-frame]");
  Array.prototype.forEach.call(frames, function (frame) {
    var region = frame.querySelector(".matrix-scroll");
    var hint = frame.querySelector("[data-scroll-hint]");
    if (!region || !hint) { return; }
    function update() {
      var more = region.scrollLeft + region.clientWidth < region.scrollWidth - 2;
      frame.classList.toggle("more-right", more);
      hint.hidden = !more;
    }
    region.addEventListener("scroll", update, { passive: true });
    window.addEventListener("resize", update);
    update();
  });
})();
