// Tells the server how wide this screen is, so charts are drawn legibly on a 4K wall too:
// plotly sizes text in pixels, which CSS cannot scale. A wall that changes size reloads once.
// In wall mode (?wall=1) the page is drawn on a logical canvas that assets/wall.js scales to the
// screen: the server draws in canvas units there (X-Cockpit-Wall), and a resize only rescales.
(function () {
  var wall = /(^|[?&])wall=1(&|$)/.test(window.location.search.replace(/^\?/, ""));
  // An ultra-wide screen (32:9, 48:9) is drawn for the 16:9 screen of its height: text three
  // times larger on a 5760x1080 wall would spill out of every chart (cockpit.css does the same).
  function effective() { return Math.round(Math.min(window.innerWidth, window.innerHeight * 16 / 9)); }
  var width = effective();
  document.cookie = "cockpit_vw=" + width + "; path=/; SameSite=Lax";
  if (wall) { return; }
  var timer = null;
  window.addEventListener("resize", function (event) {
    if (!event.isTrusted) { return; }
    clearTimeout(timer);
    timer = setTimeout(function () {
      var now = effective();
      if (Math.abs(now - width) / width > 0.2) {
        document.cookie = "cockpit_vw=" + now + "; path=/; SameSite=Lax";
        window.location.reload();
      }
    }, 500);
  });
})();
