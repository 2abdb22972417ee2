/* The image viewer (bookbuilder.sphinx.images). A figure's image is a link to its large copy;
 * with this script the link opens that copy in a native modal <dialog> instead of leaving the
 * page: Enter or a click opens it, Escape, the Close button or a click beside the image closes
 * it, and focus goes back to the figure. The alt text and the caption go with the image; a
 * click on the image switches between "fit the screen" and its full size; on a phone it can be
 * pinch-zoomed. Without JavaScript the link simply opens the large image. */
(function () {
  "use strict";
  var dialog, picture, caption, opener;

  function build() {
    dialog = document.createElement("dialog");
    dialog.className = "book-viewer";
    var close = document.createElement("button");
    close.type = "button";
    close.className = "book-viewer-close";
    close.textContent = "Close";
    close.addEventListener("click", function () { dialog.close(); });
    var figure = document.createElement("figure");
    picture = document.createElement("img");
    picture.decoding = "async";
    caption = document.createElement("figcaption");
    figure.append(picture, caption);
    dialog.append(close, figure);
    dialog.addEventListener("click", function (event) {
      if (event.target === dialog || event.target === figure) dialog.close();
    });
    picture.addEventListener("click", function () {
      dialog.classList.toggle("book-viewer-full");
    });
    dialog.addEventListener("close", function () {
      picture.removeAttribute("src");
      if (opener) opener.focus();
    });
    document.body.append(dialog);
  }

  function captionOf(link) {
    var figure = link.closest("figure");
    var text = figure && (figure.querySelector("figcaption .caption-text") ||
                          figure.querySelector("figcaption"));
    return text ? text.textContent.trim() : "";
  }

  function open(link) {
    if (!dialog) build();
    opener = link;
    var image = link.querySelector("img");
    picture.alt = image ? image.alt : "";
    picture.width = Number(link.dataset.width) || 0;
    picture.height = Number(link.dataset.height) || 0;
    picture.src = link.href;
    caption.textContent = captionOf(link);
    caption.hidden = !caption.textContent;
    dialog.setAttribute("aria-label", caption.textContent || picture.alt || "Image");
    dialog.classList.remove("book-viewer-full");
    dialog.showModal();
  }

  var links = document.querySelectorAll("a.book-zoom");
  Array.prototype.forEach.call(links, function (link) {
    link.setAttribute("aria-haspopup", "dialog");
    link.addEventListener("click", function (event) {
      if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
        return; // a new tab or window: the browser's own way
      }
      event.preventDefault();
      open(link);
    });
  });
})();
