// Tells the server how wide this screen is, so charts are drawn legibly on a 4K wall too:
// plotly sizes text in pixels, which CSS cannot scale. A wall that changes size reloads once.
// In wall mode (?wall=1) the page is drawn on a logical canvas that assets/wall.js scales to the
// screen: the server draws in canvas units there (X-Cockpit-Wall), and a resize only rescales.
(function () {
  var wall = /(^|[?&])wall=1(&|$)/.test(window.location.search.replace(/^\?/, ""));
  var width = Math.round(window.innerWidth);
  document.cookie = "cockpit_vw=" + width + "; path=/; SameSite=Lax";
  if (wall) { return; }
  var timer = null;
  window.addEventListener("resize", function (event) {
    if (!event.isTrusted) { return; }
    clearTimeout(timer);
    timer = setTimeout(function () {
      var now = Math.round(window.innerWidth);
      if (Math.abs(now - width) / width > 0.2) {
        document.cookie = "cockpit_vw=" + now + "; path=/; SameSite=Lax";
        window.location.reload();
      }
    }, 500);
  });
})();
