// Asks the server every minute whether the data changed since this page was opened (GET
// /api/data-version, a few dozen bytes); when it has, offers to show the new figures. In a wall
// player's frame it does nothing: the player owns freshness (it redraws the state behind the
// screen and swaps, web/static/wall/player.js). A wall view opened without the player (a browser
// that does not say it is a top-level page) reloads itself when the data changed.
(function () {
  var inPlayer = false;
  try { inPlayer = window.parent !== window && !!window.parent.cockpitWall; } catch (e) { inPlayer = false; }
  if (inPlayer) { return; }
  var wall = /(^|[?&])wall=1(&|$)/.test(window.location.search.replace(/^\?/, ""));
  var PERIOD_MS = 60 * 1000;
  var opened = null;
  function prefix() {
    // Dash writes its configuration into the page: the app's path prefix ("/" at the root).
    var config = document.getElementById("_dash-config");
    try { return JSON.parse(config.textContent).requests_pathname_prefix || "/"; } catch (e) { return "/"; }
  }
  function ask() {
    return fetch(prefix() + "api/data-version", {cache: "no-store"})
      .then(function (r) { return r.ok ? r.json() : null; })
      .catch(function () { return null; });
  }
  function offer() {
    var box = document.getElementById("app-error");
    if (!box || box.querySelector(".data-changed")) { return; }
    var note = document.createElement("div");
    note.className = "notice notice-info data-changed";
    note.setAttribute("role", "status");
    note.textContent = "数据已更新。";
    var link = document.createElement("a");
    link.href = window.location.href;
    link.textContent = "刷新以查看最新数据";
    note.appendChild(link);
    box.appendChild(note);
  }
  ask().then(function (v) { opened = v && v.version; });
  setInterval(function () {
    ask().then(function (v) {
      if (v && opened && v.version !== opened) {
        if (wall) { window.location.reload(); } else { offer(); }
      }
      if (v && !opened) { opened = v.version; }
    });
  }, PERIOD_MS);
})();
