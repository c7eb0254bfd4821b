/* perfdocs search: the index is window.PERFDOCS_SEARCH ([url, title, kind, text] per page),
   loaded by a script tag so it works from file:// too. No dependencies. */
(function () {
  "use strict";
  var index = window.PERFDOCS_SEARCH || [];
  var form = document.getElementById("search-form");
  var input = document.getElementById("q");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  if (!form || !input || !list) return;

  function fold(s) {
    return s.toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
  }
  var folded = index.map(function (e) { return [fold(e[1]), fold(e[3])]; });

  function snippet(text, terms) {
    var lower = fold(text), at = -1;
    for (var i = 0; i < terms.length && at < 0; i++) at = lower.indexOf(terms[i]);
    var start = Math.max(0, at - 60);
    return (start > 0 ? "\u2026" : "") + text.slice(start, start + 220) + (text.length > start + 220 ? "\u2026" : "");
  }

  function run(query) {
    var terms = fold(query).split(/\s+/).filter(function (t) { return t.length > 0; });
    list.textContent = "";
    if (!terms.length) { status.textContent = ""; return; }
    var hits = [];
    for (var i = 0; i < index.length; i++) {
      var score = 0, title = folded[i][0], text = folded[i][1], all = true;
      for (var j = 0; j < terms.length; j++) {
        var t = terms[j], inTitle = title.indexOf(t) >= 0, inText = text.indexOf(t) >= 0;
        if (!inTitle && !inText) { all = false; break; }
        score += (inTitle ? 5 : 0) + (inText ? 1 : 0);
      }
      if (all) hits.push([score, i]);
    }
    hits.sort(function (a, b) { return b[0] - a[0] || a[1] - b[1]; });
    status.textContent = hits.length + (hits.length === 1 ? " result" : " results") + " for \u201c" + query + "\u201d";
    var root = document.querySelector('link[rel="stylesheet"]').getAttribute("href").replace(/static\/site\.css$/, "");
    hits.slice(0, 50).forEach(function (h) {
      var e = index[h[1]], li = document.createElement("li"), a = document.createElement("a");
      a.href = root + e[0];
      a.textContent = e[1];
      var kind = document.createElement("span");
      kind.className = "tag kind";
      kind.textContent = e[2];
      var p = document.createElement("p");
      p.textContent = snippet(e[3], terms);
      li.appendChild(a); li.appendChild(kind); li.appendChild(p);
      list.appendChild(li);
    });
  }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var q = input.value;
    if (window.history && history.replaceState) {
      try { history.replaceState(null, "", "?q=" + encodeURIComponent(q)); } catch (e) { /* file:// in some browsers */ }
    }
    run(q);
  });
  var timer;
  input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(function () { run(input.value); }, 120); });
  var params = new URLSearchParams(window.location.search);
  if (params.get("q")) { input.value = params.get("q"); run(input.value); }
  input.focus();
})();
