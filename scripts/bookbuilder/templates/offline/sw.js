/* The book's service worker: reading offline (written by bookbuilder/sphinx/offline.py).
 *
 * - Every page a reader opens is kept, with what it needs (styles, scripts, images), in the
 *   "pages" cache: network first, the kept copy when the network is gone.
 * - "Save the whole book" (a button on the landing page) keeps every page and image listed in
 *   offline-files.json; the EPUB and PDF downloads only when the reader also asks for them.
 * - A new build has a new VERSION: its caches replace the old ones.
 */
"use strict";
var VERSION = "@VERSION@";
var PAGES = "book-pages-" + VERSION;
var WHOLE = "book-whole-" + VERSION;
var DOWNLOADS = "book-downloads-" + VERSION;
var DOWNLOADS_DIR = "@DOWNLOADS_DIR@/";
var ROOT = new URL("./", self.location).href;

function isDownload(url) {
  return url.indexOf(ROOT + DOWNLOADS_DIR) === 0;
}

function withoutHash(url) {
  return url.split("#")[0];
}

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(
        names
          .filter(function (name) {
            return name.indexOf("book-") === 0 && name.slice(-VERSION.length - 1) !== "-" + VERSION;
          })
          .map(function (name) {
            return caches.delete(name);
          })
      );
    }).then(function () {
      return self.clients.claim();
    })
  );
});

function keep(cacheName, request, response) {
  if (response && response.ok && response.type === "basic") {
    var copy = response.clone();
    caches.open(cacheName).then(function (cache) {
      cache.put(request, copy);
    });
  }
  return response;
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET" || request.url.indexOf(ROOT) !== 0) return;
  if (isDownload(request.url)) {
    // Never kept unless the reader asked (then it is in DOWNLOADS): served from there offline.
    event.respondWith(
      fetch(request).catch(function () {
        return caches.open(DOWNLOADS).then(function (cache) {
          return cache.match(request).then(function (hit) {
            return hit || Response.error();
          });
        });
      })
    );
    return;
  }
  event.respondWith(
    fetch(request)
      .then(function (response) {
        return keep(PAGES, request, response);
      })
      .catch(function () {
        return caches.match(request, { ignoreSearch: true }).then(function (hit) {
          return hit || Response.error();
        });
      })
  );
});

function tell(source, message) {
  if (source && source.postMessage) source.postMessage(message);
}

function addAll(cacheName, urls, source, what) {
  var done = 0;
  return caches.open(cacheName).then(function (cache) {
    var queue = urls.slice();
    function next() {
      var url = queue.shift();
      if (url === undefined) return Promise.resolve();
      return cache.add(new Request(url, { cache: "reload" })).then(function () {
        done += 1;
        if (done % 20 === 0) tell(source, { type: "progress", what: what, done: done, total: urls.length });
        return next();
      });
    }
    // Four at a time: quick on a phone, gentle on the server.
    return Promise.all([next(), next(), next(), next()]);
  });
}

self.addEventListener("message", function (event) {
  var data = event.data || {};
  var source = event.source;
  if (data.type === "keep-page") {
    // The page that registered this worker was loaded before it was in control: keep it now.
    var urls = (data.urls || []).map(withoutHash).filter(function (url) {
      return url.indexOf(ROOT) === 0 && !isDownload(url);
    });
    event.waitUntil(
      caches.open(PAGES).then(function (cache) {
        return Promise.all(
          urls.map(function (url) {
            return cache.add(url).catch(function () {});
          })
        );
      }).then(function () {
        tell(source, { type: "kept-page" });
      })
    );
  } else if (data.type === "save-book") {
    event.waitUntil(
      fetch(ROOT + "offline-files.json", { cache: "reload" })
        .then(function (response) {
          return response.json();
        })
        .then(function (listing) {
          var pages = listing.files.map(function (file) {
            return ROOT + file.path;
          });
          var work = addAll(WHOLE, pages, source, "book");
          if (data.downloads) {
            work = work.then(function () {
              var files = listing.downloads.map(function (file) {
                return ROOT + file.path;
              });
              return addAll(DOWNLOADS, files, source, "downloads");
            });
          }
          return work;
        })
        .then(function () {
          tell(source, { type: "saved", downloads: !!data.downloads });
        })
        .catch(function (error) {
          tell(source, { type: "failed", reason: String(error) });
        })
    );
  }
});
