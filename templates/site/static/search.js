/* perfdocs search, on MiniSearch (static/vendor/minisearch.js). The index is
   window.PERFDOCS_SEARCH ([url, title, kind, text] per page), loaded by a script tag so
   that search works from file:// too. MiniSearch does the matching and ranking: prefix
   ("retr" finds "retry"), fuzzy (one wrong letter in a word of 4 or more, two from 8 on),
   and, through processTerm, the small English stemmer below, so that "retries", "retried",
   "retrying" and "retry" are one word. Results show a snippet around the first match, cut
   at word boundaries, with every matching word marked. Keys: "/" focuses the box (on every
   page, static/site.js), the arrow keys move through the results, Enter opens one. */
(function () {
  "use strict";
  var index = window.PERFDOCS_SEARCH || [];
  var form = document.getElementById("search-form");
  var input = document.getElementById("q");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  if (!form || !input || !list || !window.MiniSearch) return;

  function fold(s) {
    return s.toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
  }

  /* A light suffix stripper for English (a few of Porter's step-1 rules): plurals, -ed,
     -ing and -ly, so that the forms a record uses and the form a reader types meet. It
     stems both what is indexed and what is searched, so it only has to be consistent. */
  function stem(w) {
    if (w.length < 4 || /\d/.test(w)) return w;
    if (/i(es|ed)$/.test(w)) return w.slice(0, -3) + "y";  /* retries, retried -> retry */
    if (/(ss|x|ch|sh|zz)es$/.test(w)) w = w.slice(0, -2);  /* classes -> class, fixes -> fix */
    else if (/[^siu]s$/.test(w)) w = w.slice(0, -1);  /* dashboards -> dashboard; not class, status, analysis */
    var m = /^(.*[aeiouy].*?)(ing|ed|ly)$/.exec(w);
    if (m && m[1].length >= 3) {
      w = m[1];
      if (/([^aeiouslz])\1$/.test(w)) w = w.slice(0, -1);  /* running -> run, planned -> plan */
    }
    return w;
  }

  function processTerm(term) {
    var t = fold(term);
    return t ? stem(t) : null;
  }

  var docs = index.map(function (e, i) { return {id: i, title: e[1], kind: e[2], text: e[3]}; });
  var engine = new window.MiniSearch({
    fields: ["title", "kind", "text"],
    processTerm: processTerm,
    searchOptions: {
      boost: {title: 3, kind: 2},
      prefix: function (term) { return term.length >= 3; },
      fuzzy: function (term) { return term.length >= 8 ? 2 : term.length >= 4 ? 1 : false; },
      combineWith: "AND"
    }
  });
  engine.addAll(docs);

  var WORD = /[\p{L}\p{N}]+(?:['\u2019][\p{L}]+)?/gu;

  /* The text around its first matching word, cut at word boundaries, as a list of
     [piece, marked] pairs: DOM text nodes are made from it, never HTML. */
  function snippet(text, matched) {
    var words = [], m;
    WORD.lastIndex = 0;
    while ((m = WORD.exec(text)) !== null) words.push([m.index, m.index + m[0].length, matched[processTerm(m[0])] === true]);
    var first = -1;
    for (var i = 0; i < words.length; i++) if (words[i][2]) { first = i; break; }
    if (first < 0) first = 0;
    var from = Math.max(0, first - 8), to = Math.min(words.length, first + 28);
    if (!words.length) return [[text.slice(0, 200), false]];
    var pieces = [], at = words[from][0];
    if (from > 0) pieces.push(["\u2026 ", false]);
    for (var j = from; j < to; j++) {
      var w = words[j];
      if (w[0] > at) pieces.push([text.slice(at, w[0]), false]);
      pieces.push([text.slice(w[0], w[1]), w[2]]);
      at = w[1];
    }
    if (to < words.length) pieces.push([" \u2026", false]);
    return pieces;
  }

  function marked(target, text, matched) {
    snippet(text, matched).forEach(function (piece) {
      if (piece[1]) {
        var mark = document.createElement("mark");
        mark.textContent = piece[0];
        target.appendChild(mark);
      } else {
        target.appendChild(document.createTextNode(piece[0]));
      }
    });
  }

  var root = document.querySelector('link[rel="stylesheet"]').getAttribute("href").replace(/static\/site\.css$/, "");

  function run(query) {
    list.textContent = "";
    if (!query.trim()) { status.textContent = ""; return; }
    var hits = engine.search(query);
    status.textContent = hits.length + (hits.length === 1 ? " result" : " results") + " for \u201c" + query + "\u201d";
    hits.slice(0, 50).forEach(function (hit) {
      var e = index[hit.id], matched = {};
      hit.terms.forEach(function (t) { matched[t] = true; });
      var li = document.createElement("li"), a = document.createElement("a");
      a.href = root + e[0];
      a.textContent = e[1];
      var kind = document.createElement("span");
      kind.className = "tag kind";
      kind.textContent = e[2];
      var p = document.createElement("p");
      marked(p, e[3] || e[1], matched);
      li.appendChild(a); li.appendChild(kind); li.appendChild(p);
      list.appendChild(li);
    });
  }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var q = input.value;
    if (window.history && history.replaceState) {
      try { history.replaceState(null, "", "?q=" + encodeURIComponent(q)); } catch (err) { /* file:// in some browsers */ }
    }
    run(q);
  });
  var timer;
  input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(function () { run(input.value); }, 120); });

  /* Arrow keys: from the box into the results and through them; Enter on one opens it
     (it is a link). Up from the first result goes back to the box. */
  function links() { return Array.prototype.slice.call(list.querySelectorAll("li > a")); }
  document.addEventListener("keydown", function (ev) {
    if (ev.key !== "ArrowDown" && ev.key !== "ArrowUp") return;
    var all = links(), at = all.indexOf(document.activeElement);
    if (document.activeElement !== input && at < 0) return;
    if (!all.length) return;
    ev.preventDefault();
    var next = ev.key === "ArrowDown" ? (at < 0 ? 0 : Math.min(at + 1, all.length - 1)) : at - 1;
    if (next < 0) input.focus(); else all[next].focus();
  });

  var params = new URLSearchParams(window.location.search);
  if (params.get("q")) { input.value = params.get("q"); run(input.value); }
  input.focus();
})();
