// Tells the server how wide this screen is, so charts are drawn legibly on a 4K wall too:
// plotly sizes text in pixels, which CSS cannot scale. A wall that changes size reloads once.
(function () {
  var width = Math.round(window.innerWidth);
  document.cookie = "cockpit_vw=" + width + "; path=/; SameSite=Lax";
  var timer = null;
  window.addEventListener("resize", function () {
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
