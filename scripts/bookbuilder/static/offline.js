/* Reading offline: registers the book's service worker (sw.js at the site's root), keeps the
 * page being read, and runs the landing page's "Save the whole book" panel. Without JavaScript
 * or service workers (file://, old browsers) nothing happens and the panel stays hidden. */
(function () {
  "use strict";
  if (!("serviceWorker" in navigator) || !window.isSecureContext) return;
  var root = document.documentElement.getAttribute("data-content_root") || "./";
  var rootUrl = new URL(root, window.location.href).href;

  function pageUrls() {
    var urls = [window.location.href];
    (performance.getEntriesByType("resource") || []).forEach(function (entry) {
      urls.push(entry.name);
    });
    return urls;
  }

  function whenControlled() {
    if (navigator.serviceWorker.controller) return Promise.resolve(navigator.serviceWorker.controller);
    return new Promise(function (resolve) {
      navigator.serviceWorker.addEventListener("controllerchange", function () {
        resolve(navigator.serviceWorker.controller);
      });
    });
  }

  navigator.serviceWorker
    .register(rootUrl + "sw.js", { scope: rootUrl })
    .then(function () {
      return whenControlled();
    })
    .then(function (worker) {
      worker.postMessage({ type: "keep-page", urls: pageUrls() });
    })
    .catch(function () {});

  var panel = document.getElementById("book-offline");
  if (!panel) return;
  var button = panel.querySelector("button");
  var withDownloads = panel.querySelector("input[type=checkbox]");
  var status = panel.querySelector("[role=status]");
  var size = panel.querySelector(".book-offline-size");
  panel.hidden = false;

  function megabytes(bytes) {
    return (bytes / (1024 * 1024)).toFixed(1) + " MB";
  }

  fetch(rootUrl + "offline-files.json")
    .then(function (response) {
      return response.json();
    })
    .then(function (listing) {
      var total = listing.files.reduce(function (sum, file) {
        return sum + file.size;
      }, 0);
      var downloads = listing.downloads.reduce(function (sum, file) {
        return sum + file.size;
      }, 0);
      if (size) size.textContent = "(" + megabytes(total) + ")";
      var label = panel.querySelector(".book-offline-downloads-size");
      if (label) label.textContent = downloads ? "(" + megabytes(downloads) + ")" : "";
      if (!listing.downloads.length && withDownloads) withDownloads.parentNode.hidden = true;
    })
    .catch(function () {});

  navigator.serviceWorker.addEventListener("message", function (event) {
    var data = event.data || {};
    if (data.type === "progress") {
      status.textContent = panel.dataset.progress
        .replace("{done}", String(data.done)).replace("{total}", String(data.total));
    } else if (data.type === "saved") {
      status.textContent = data.downloads ? panel.dataset.savedDownloads : panel.dataset.saved;
      button.disabled = false;
    } else if (data.type === "failed") {
      status.textContent = panel.dataset.failed.replace("{reason}", String(data.reason));
      button.disabled = false;
    }
  });

  button.addEventListener("click", function () {
    button.disabled = true;
    status.textContent = panel.dataset.saving;
    whenControlled().then(function (worker) {
      worker.postMessage({ type: "save-book", downloads: !!(withDownloads && withDownloads.checked) });
    });
  });
})();
