/* The browse page's filters. The page lists every report without this script (the theme hides
 * the filters' panel then); with it, the selects hide the cards that do not match (all filters
 * combine), the count is announced, and the filter state lives in the URL's hash (#role=nurse&country=ES), so a
 * filtered view can be shared. No server, no network: works from file:// and any static host. */
(function () {
  "use strict";
  var form = document.getElementById("browse-filters");
  var list = document.getElementById("browse-cards");
  var count = document.getElementById("browse-count");
  var empty = document.getElementById("browse-empty");
  if (!form || !list || !count) return;
  var cards = Array.prototype.slice.call(list.querySelectorAll("li.browse-card"));
  var selects = Array.prototype.slice.call(form.querySelectorAll("select"));
  var total = cards.length;

  function readHash() {
    var params = new URLSearchParams(window.location.hash.replace(/^#/, ""));
    selects.forEach(function (select) {
      var wanted = params.get(select.name) || "";
      var known = Array.prototype.some.call(select.options, function (o) {
        return o.value === wanted;
      });
      select.value = known ? wanted : "";
    });
  }

  function writeHash() {
    var params = new URLSearchParams();
    selects.forEach(function (select) {
      if (select.value) params.set(select.name, select.value);
    });
    var hash = params.toString();
    var url = window.location.pathname + window.location.search + (hash ? "#" + hash : "");
    if (url !== window.location.pathname + window.location.search + window.location.hash) {
      window.history.replaceState(null, "", url);
    }
  }

  function apply() {
    var active = selects.filter(function (s) { return s.value; });
    var shown = 0;
    cards.forEach(function (card) {
      var match = active.every(function (select) {
        var values = (card.getAttribute("data-" + select.name) || "").split(" ");
        return values.indexOf(select.value) !== -1;
      });
      card.hidden = !match;
      if (match) shown += 1;
    });
    // the words are the page's, in the book's language (sphinx/online.py: data-some, data-all)
    count.textContent = (active.length ? count.dataset.some : count.dataset.all)
      .replace("{shown}", String(shown)).replace("{total}", String(total));
    if (empty) empty.classList.toggle("browse-empty-shown", shown === 0);
  }

  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.addEventListener("change", function () { writeHash(); apply(); });
  form.addEventListener("reset", function () {
    window.setTimeout(function () { writeHash(); apply(); }, 0);
  });
  window.addEventListener("hashchange", function () { readHash(); apply(); });
  readHash();
  apply();
})();
