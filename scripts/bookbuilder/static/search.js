/* The book's search page: Sphinx's search (searchtools.js), with two changes a reader sees.
 *
 * - One result per page. Sphinx lists a page once for each way it matched: its words, its
 *   title, a section's title ("Report > Section"), an index entry (the byline's authors,
 *   country, topics): a report came up two or three times. Each page is kept once, at its best
 *   score, linked to the page itself.
 * - Snippets from the page's text. Sphinx takes them from the element with role="main", which
 *   in this theme also holds the header's buttons ("System Settings Light Dark …"): here from
 *   the article alone, without the report's trailer (its citation box).
 *
 * Loaded by templates/html/search.html after searchtools.js, before the page's search runs
 * (on DOMContentLoaded). */
"use strict";

(() => {
  if (typeof Search === "undefined") return;

  const performSearch = Search._performSearch;
  // Results come sorted from the lowest score to the highest (the page shows them from the end).
  Search._performSearch = (...args) => {
    const results = performSearch(...args);
    const seen = new Set();
    const kept = [];
    for (let i = results.length - 1; i >= 0; i--) {
      const [docName, , , , score, filename, kind] = results[i];
      if (seen.has(docName)) continue;
      seen.add(docName);
      const title = Search._index.titles[Search._index.docnames.indexOf(docName)];
      kept.push([docName, title || results[i][1], "", null, score, filename, kind]);
    }
    return kept.reverse();
  };

  Search.htmlToText = (htmlString) => {
    const page = new DOMParser().parseFromString(htmlString, "text/html");
    const article = page.querySelector("article.bd-article") || page.querySelector('[role="main"]');
    if (!article) return "";
    article
      .querySelectorAll(".headerlink, script, style, .report-trailer")
      .forEach((element) => element.remove());
    return article.textContent.replace(/\s+/g, " ").trim();
  };
})();
