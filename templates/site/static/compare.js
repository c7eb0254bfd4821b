/* Compare two levels: the page holds every cell once (as <template>s) and, for every ordered
   pair of levels, per competency: [state, indices of new criteria or null, word diff or null].
   Works from file:// (no fetch). */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("compare-data").textContent);
  var form = document.getElementById("compare-form");
  var from = document.getElementById("compare-from");
  var to = document.getElementById("compare-to");
  var out = document.getElementById("compare-out");
  var summary = document.getElementById("compare-summary");
  var LABEL = { "new": "new", changed: "changed", same: "unchanged", not_expected: "not expected" };

  function parts(level, competency) {
    var t = document.querySelector('#compare-cells template[data-level="' + CSS.escape(level) +
      '"][data-competency="' + CSS.escape(competency) + '"]');
    return t ? Array.prototype.slice.call(t.content.children) : [];
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text) { e.textContent = text; }
    return e;
  }
  function whole(list, mark) {
    /* One part: as written. Several: a list of criteria, the marked ones in <ins>. */
    if (list.length === 1 && !mark) { return list[0].cloneNode(true); }
    var box = el("ul", "criteria");
    list.forEach(function (p, i) {
      var li = el("li");
      var into = li;
      if (mark && mark(i)) { li.className = "criterion-new"; into = el("ins"); li.appendChild(into); }
      Array.prototype.forEach.call(p.childNodes, function (n) { into.appendChild(n.cloneNode(true)); });
      box.appendChild(li);
    });
    return box;
  }
  function show(a, b) {
    out.textContent = "";
    if (a === b) { summary.textContent = "Pick two different levels."; return; }
    var entries = data.pairs[a + " " + b] || [];
    var counts = {};
    var dimension = null, list = null;
    data.rows.forEach(function (row, k) {
      var e = entries[k] || ["none", null, null];
      var state = e[0];
      counts[state] = (counts[state] || 0) + 1;
      if (row.dimension !== dimension) {
        dimension = row.dimension;
        out.appendChild(el("h2", null, dimension));
        list = el("ul", "descriptors");
        out.appendChild(list);
      }
      var li = el("li", "descriptor cell-" + state);
      var h = el("h3", null, row.name + " ");
      var label = state === "changed" && !e[1] && !e[2] ? "rewritten" : LABEL[state];
      if (label) { h.appendChild(el("span", "state state-" + (state === "same" ? "unchanged" : state), label)); }
      li.appendChild(h);
      var mine = parts(b, row.id);
      if (state === "not_expected") {
        li.appendChild(el("p", "muted", "Not expected at " + b + "."));
        mine.forEach(function (p) { li.appendChild(p.cloneNode(true)); });
      } else if (state === "none") {
        li.appendChild(el("p", "muted", "Not assessed at " + b + "."));
      } else if (state === "changed" && e[2]) {
        var p = el("p"); p.innerHTML = e[2]; li.appendChild(p);  /* escaped by perfdocs, <ins> only */
      } else if (state === "changed" && e[1]) {
        li.appendChild(whole(mine, function (i) { return e[1].indexOf(i) >= 0; }));
      } else if (state === "changed") {
        var rewritten = el("ins", "rewritten"); rewritten.appendChild(whole(mine)); li.appendChild(rewritten);
      } else {
        li.appendChild(whole(mine));
      }
      if (state === "changed") {
        var d = el("details", "below");
        d.appendChild(el("summary", null, "At " + a));
        d.appendChild(whole(parts(a, row.id)));
        li.appendChild(d);
      }
      list.appendChild(li);
    });
    summary.textContent = "From " + a + " to " + b + ": " + (counts["new"] || 0) + " new, " + (counts.changed || 0) +
      " changed, " + (counts.same || 0) + " unchanged, " + (counts.not_expected || 0) + " not expected.";
  }
  function update(event) {
    if (event) { event.preventDefault(); }
    show(from.value, to.value);
    if (history.replaceState) { history.replaceState(null, "", "#" + encodeURIComponent(from.value + "," + to.value)); }
  }
  var picked = decodeURIComponent(location.hash.slice(1)).split(",");
  if (picked.length === 2 && data.pairs[picked[0] + " " + picked[1]]) { from.value = picked[0]; to.value = picked[1]; }
  form.addEventListener("submit", update);
  from.addEventListener("change", update);
  to.addEventListener("change", update);
  show(from.value, to.value);
})();
