// Progressive enhancement only: every page works without JavaScript. No inline script (CSP).
(function () {
  "use strict";
  document.addEventListener("htmx:configRequest", function (event) {
    var token = document.body.getAttribute("data-csrf-token");
    if (token) { event.detail.headers["X-CSRFToken"] = token; }
  });
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el && el.matches && el.matches("[data-autosubmit]") && el.form) {
      if (el.form.requestSubmit) { el.form.requestSubmit(); } else { el.form.submit(); }
    }
  });
})();
