/* Compare two levels: every pair of levels has its own static page (compare/<lower>/<higher>.html,
   the lower grade first); the links on compare.html reach them without JavaScript. This script
   shows the two lists to pick from and goes to the pair's page. Works from file://. */
(function () {
  "use strict";
  var form = document.getElementById("compare-form");
  if (!form) { return; }
  var order = JSON.parse(document.getElementById("compare-order").textContent);
  var from = document.getElementById("compare-from");
  var to = document.getElementById("compare-to");
  var message = document.getElementById("compare-message");

  function target(a, b) {
    if (a === b || order.indexOf(a) < 0 || order.indexOf(b) < 0) { return null; }
    if (order.indexOf(a) > order.indexOf(b)) { var t = a; a = b; b = t; }  /* pages go from the lower grade */
    return form.getAttribute("data-base") + encodeURIComponent(a) + "/" + encodeURIComponent(b) + ".html";
  }
  /* Links made by the former one-page comparison (compare.html#e1,e3) still lead to the pair. */
  var picked = decodeURIComponent(location.hash.slice(1)).split(",");
  var old = picked.length === 2 ? target(picked[0], picked[1]) : null;
  if (old) { location.replace(old); return; }

  form.hidden = false;
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var url = target(from.value, to.value);
    if (!url) { message.textContent = "Pick two different levels."; return; }
    location.href = url;
  });
})();
