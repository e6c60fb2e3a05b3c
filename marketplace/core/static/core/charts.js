// Draws the FinOps charts: every <figure data-vega-spec-id="ID"> gets the Vega-Lite spec from the JSON block
// <script type="application/json" id="ID"> (Django's json_script; data, not executed). The table with the same
// numbers is always in the page, so nothing is lost without JavaScript.
//
// CSP (script-src 'self', style-src 'self', no 'unsafe-eval'): Vega expressions are evaluated by vega-interpreter
// (`ast: true`) instead of being compiled with `new Function`, vega-embed's injected stylesheet is turned off, and
// the tooltip handler (which injects a <style> element) is not used.
(function () {
  "use strict";

  var NB_TIME = {
    dateTime: "%A %e. %B %Y kl. %X",
    date: "%d.%m.%Y",
    time: "%H:%M:%S",
    periods: ["AM", "PM"],
    days: ["søndag", "mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag"],
    shortDays: ["søn", "man", "tir", "ons", "tor", "fre", "lør"],
    months: ["januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september", "oktober",
      "november", "desember"],
    shortMonths: ["jan", "feb", "mar", "apr", "mai", "jun", "jul", "aug", "sep", "okt", "nov", "des"]
  };
  var NB_NUMBER = { decimal: ",", thousands: "\u00a0", grouping: [3], currency: ["", "\u00a0kr"] };

  function options() {
    var opts = {
      actions: false,
      renderer: "svg",
      ast: true,
      expr: window.vegaInterpreter.expressionInterpreter,
      defaultStyle: false,
      tooltip: false
    };
    var lang = (document.documentElement.getAttribute("lang") || "nb").toLowerCase();
    if (lang.indexOf("nb") === 0 || lang.indexOf("no") === 0) {
      opts.timeFormatLocale = NB_TIME;
      opts.formatLocale = NB_NUMBER;
    }
    return opts;
  }

  function draw(figure) {
    var id = figure.getAttribute("data-vega-spec-id");
    var source = id && document.getElementById(id);
    var target = figure.querySelector(".mps-chart__canvas");
    if (!source || !target) { return; }
    var spec;
    try {
      spec = JSON.parse(source.textContent);
    } catch (error) {
      figure.setAttribute("data-vega-state", "error");
      return;
    }
    window.vegaEmbed(target, spec, options()).then(function (result) {
      var svg = target.querySelector("svg");
      if (svg) {
        svg.setAttribute("aria-hidden", "true");  // the container (role=img) carries the label; data is in the table
        svg.setAttribute("focusable", "false");
      }
      figure.setAttribute("data-vega-state", "ready");
      return result;
    }).catch(function () {
      figure.setAttribute("data-vega-state", "error");
    });
  }

  function start() {
    if (typeof window.vegaEmbed !== "function" || !window.vegaInterpreter) { return; }
    var figures = document.querySelectorAll("figure[data-vega-spec-id]");
    for (var i = 0; i < figures.length; i += 1) { draw(figures[i]); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
