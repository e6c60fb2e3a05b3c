// Progressive enhancement only: every page works without JavaScript. No inline script (CSP).
(function () {
  "use strict";
  document.addEventListener("htmx:configRequest", function (event) {
    var token = document.body.getAttribute("data-csrf-token");
    if (token) { event.detail.headers["X-CSRFToken"] = token; }
  });
  // Wide tables scroll inside their own box, so on a narrow screen the page itself does not scroll sideways
  // (WCAG 1.4.10); a box that does scroll is a named region the keyboard can reach and scroll (WCAG 2.1.1).
  var SCROLL_BOXES = ".table-scroll, .insights-timeline";
  function regionName(box) {
    var caption = box.querySelector("caption, svg > title");
    if (caption && caption.textContent.trim()) { return caption.textContent.trim(); }
    var section = box.closest("section[aria-labelledby]");
    var heading = section && document.getElementById(section.getAttribute("aria-labelledby"));
    if (heading && heading.textContent.trim()) { return heading.textContent.trim(); }
    return document.documentElement.lang === "en" ? "Table" : "Tabell";
  }
  function markScrolling(box) {
    if (box.scrollWidth > box.clientWidth + 1) {
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", regionName(box));
    } else {
      ["tabindex", "role", "aria-label"].forEach(function (name) { box.removeAttribute(name); });
    }
  }
  var observer = window.ResizeObserver ? new ResizeObserver(function (entries) {
    entries.forEach(function (entry) { markScrolling(entry.target); });
  }) : null;
  function within(root, selector) {  // root itself (content htmx swapped in may be a table) and its descendants
    var found = Array.prototype.slice.call(root.querySelectorAll(selector));
    if (root.matches && root.matches(selector)) { found.push(root); }
    return found;
  }
  function enhanceTables(root) {
    within(root, "table").forEach(function (table) {
      if (table.closest(".table-scroll")) { return; }
      var box = document.createElement("div");
      box.className = "table-scroll";
      table.parentNode.insertBefore(box, table);
      box.appendChild(table);
    });
    var boxes = within(root, SCROLL_BOXES);
    var outer = root.closest && root.closest(SCROLL_BOXES);
    if (outer) { boxes.push(outer); }
    boxes.forEach(function (box) {
      markScrolling(box);
      if (observer) { observer.observe(box); }
    });
  }
  document.addEventListener("DOMContentLoaded", function () { enhanceTables(document); });
  document.addEventListener("htmx:load", function (event) { enhanceTables(event.target); });
  if (!observer) {
    window.addEventListener("resize", function () { document.querySelectorAll(SCROLL_BOXES).forEach(markScrolling); });
  }
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el && el.matches && el.matches("[data-autosubmit]") && el.form) {
      if (el.form.requestSubmit) { el.form.requestSubmit(); } else { el.form.submit(); }
    }
  });
})();
