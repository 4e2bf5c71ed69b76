/* coursepack preview: live reload and the error overlay.
 * Listens to /_coursepack/events (server-sent events). A newer good rebuild reloads the page,
 * keeping the scroll position; a broken one shows its errors over the last good page, exactly
 * as `coursepack check` prints them; the next good rebuild reloads the page without them. */
(function () {
  "use strict";

  var script = document.currentScript;
  var shown = Number(script && script.getAttribute("data-generation")) || 0;
  var scrollKey = "coursepack-scroll:" + location.pathname + location.search;
  var XHTML = "http://www.w3.org/1999/xhtml";

  function make(tag, attributes, text) {
    var element = document.createElementNS(XHTML, tag);
    Object.keys(attributes || {}).forEach(function (name) { element.setAttribute(name, attributes[name]); });
    if (text) element.textContent = text;
    return element;
  }

  function restoreScroll() {
    try {
      var saved = sessionStorage.getItem(scrollKey);
      if (saved === null) return;
      sessionStorage.removeItem(scrollKey);
      var point = JSON.parse(saved);
      window.scrollTo(point[0], point[1]);
    } catch (error) { /* no storage: the page starts at the top */ }
  }

  function reload() {
    try { sessionStorage.setItem(scrollKey, JSON.stringify([window.scrollX, window.scrollY])); } catch (error) { /* ignore */ }
    location.reload();
  }

  function overlay(status) {
    var old = document.getElementById("coursepack-overlay");
    if (old) old.remove();
    if (status.ok || !status.errors.length) return;
    var box = make("aside", {"id": "coursepack-overlay", "aria-labelledby": "coursepack-overlay-title",
                             "data-generation": String(status.generation)});
    box.appendChild(make("h2", {"id": "coursepack-overlay-title"},
      status.errors.length === 1 ? "The course has an error" : "The course has " + status.errors.length + " errors"));
    box.appendChild(make("p", {}, "The preview below is the last one that built. Fix the source and save: this goes away."));
    var list = make("pre", {"tabindex": "0", "aria-label": "Errors, as coursepack check prints them"});
    list.textContent = status.lines.join("\n");
    box.appendChild(list);
    var hide = make("button", {"type": "button"}, "Hide");
    hide.addEventListener("click", function () { box.hidden = true; });
    box.appendChild(hide);
    (document.body || document.documentElement).appendChild(box);
  }

  function style() {
    var link = make("link", {"rel": "stylesheet", "href": "/_coursepack/preview.css"});
    if (!document.querySelector('link[href="/_coursepack/preview.css"]')) document.head.appendChild(link);
  }

  function onStatus(status) {
    if (status.generation !== shown && status.ok && shown !== 0) return reload();
    if (status.ok && shown === 0 && status.generation > 0) return reload();  // the first good build
    overlay(status);
  }

  window.addEventListener("load", restoreScroll);
  document.addEventListener("DOMContentLoaded", function () {
    style();
    if (!window.EventSource) return;
    var source = new EventSource("/_coursepack/events");
    source.addEventListener("status", function (event) { onStatus(JSON.parse(event.data)); });
  });
})();
