// Wall mode (?wall=1): the view drawn on a fixed logical canvas, scaled to the screen.
//
// Runs before Dash renders (assets load ahead of the renderer), so the first frame is already
// laid out for the wall. The canvas is 1080 units tall on a landscape screen and as wide as the
// screen's ratio asks (never narrower than 1920: a 4:3 screen gets a taller canvas instead); a
// portrait screen gets a canvas as wide as the screen up to 1080 units. The canvas is scaled with
// a CSS transform: plotly and AG Grid measure untransformed boxes, so they draw in canvas units
// and text keeps its size relative to the screen at 1366 px or 7680 px alike.
(function () {
  "use strict";
  if (!/(^|[?&])wall=1(&|$)/.test(window.location.search.replace(/^\?/, ""))) {
    return;
  }
  var root = document.documentElement;
  var PANE = 1920;   // one 16:9 pane of a wide canvas
  var HEIGHT = 1080; // the canvas height of a landscape screen
  root.classList.add("cockpit-wall");

  // Every request of the Dash renderer says it comes from a wall: the server then draws figures
  // in canvas units (components/routing.screen_scale), not for the screen's real width.
  var nativeFetch = window.fetch;
  window.fetch = function (input, init) {
    var url = typeof input === "string" ? input : (input && input.url) || String(input || "");
    var target = null;
    try { target = new URL(url, window.location.href); } catch (e) { target = null; }
    if (target && target.origin === window.location.origin && target.pathname.indexOf("/_dash-") !== -1) {
      init = Object.assign({}, init || {});
      var headers = new Headers(init.headers || (input instanceof Request ? input.headers : undefined));
      headers.set("X-Cockpit-Wall", "1");
      init.headers = headers;
    }
    return nativeFetch.call(this, input, init);
  };

  function canvasOf(width, height) {
    var ratio = width / height;
    var w, h;
    if (ratio >= 1) {
      if (ratio >= PANE / HEIGHT) {
        h = HEIGHT; w = Math.round(HEIGHT * ratio);
      } else {
        w = PANE; h = Math.round(PANE / ratio);
      }
    } else {
      w = Math.min(width, HEIGHT); h = Math.round(w / ratio);
    }
    // Side by side 16:9 panes on a wall wider than 2:1 (two at 32:9, three at 48:9).
    var panes = w / h > 2 ? Math.max(2, Math.min(4, Math.round(w / PANE))) : 1;
    return {w: w, h: h, scale: width / w, panes: panes, portrait: ratio < 1};
  }

  var lastKey = "";
  function fit() {
    var width = window.innerWidth, height = window.innerHeight;
    if (!width || !height) { return; }
    var c = canvasOf(width, height);
    var key = [c.w, c.h, c.scale, c.panes].join("x");
    if (key === lastKey) { return; }
    lastKey = key;
    var style = root.style;
    style.setProperty("--wall-w", c.w + "px");
    style.setProperty("--wall-h", c.h + "px");
    style.setProperty("--wall-scale", String(c.scale));
    style.setProperty("--wall-panes", String(c.panes));
    root.classList.toggle("wall-portrait", c.portrait);
    root.classList.toggle("wall-wide", c.panes > 1);
    for (var n = 2; n <= 4; n++) { root.classList.toggle("wall-panes-" + n, c.panes === n); }
    root.dataset.wallCanvas = c.w + "x" + c.h;
    // Graphs sized by their containers re-measure on a window resize (dcc.Graph responsive).
    window.dispatchEvent(new Event("resize"));
  }
  fit();
  var timer = null;
  window.addEventListener("resize", function (event) {
    if (!event.isTrusted) { return; }
    clearTimeout(timer);
    timer = setTimeout(fit, 150);
  });
  window.cockpitWallCanvas = canvasOf; // for tests and the player

  // The cursor goes after 3 s without a move: nobody points at a wall.
  var idle = null;
  function wake() {
    root.classList.remove("wall-idle");
    clearTimeout(idle);
    idle = setTimeout(function () { root.classList.add("wall-idle"); }, 3000);
  }
  ["mousemove", "mousedown", "touchstart", "keydown"].forEach(function (name) {
    window.addEventListener(name, wake, {passive: true});
  });
  wake();

  // The header's clock (components/wall.py): local time, redrawn when the minute changes.
  var WEEKDAYS = ["日", "一", "二", "三", "四", "五", "六"];
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function tick() {
    var now = new Date();
    var el = document.getElementById("wall-clock");
    if (el) {
      var text = now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate()) +
          " 星期" + WEEKDAYS[now.getDay()] + " " + pad(now.getHours()) + ":" + pad(now.getMinutes());
      if (el.textContent !== text) { el.textContent = text; }
    }
    setTimeout(tick, 1000 - now.getMilliseconds() + 5);
  }
  tick();
})();
