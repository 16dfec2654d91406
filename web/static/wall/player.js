// The wall player (issue 13). Two stacked same-origin iframes: the next state loads in the one
// behind and comes to the front only once it is drawn (no Dash loading marks, every chart drawn,
// the map's polygons there, the grid's rows there, then a short quiet period), so a screen never
// shows a blank or half-drawn frame. The server wrote everything this needs into #wall-config.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("wall-config").textContent);
  var states = config.states || [];
  var TICK_MS = 100;
  var RETRY_MS = 5000;         // after a failed load, wait this long before trying again
  var CURSOR_MS = 3000;        // the pointer disappears after this long still
  var LOG_MAX = 100;

  function el(id) { return document.getElementById(id); }
  function now() { return performance.now(); }

  var frames = [el("wall-frame-a"), el("wall-frame-b")];
  var slots = frames.map(function () {
    return {state: -1, version: null, status: "empty", started: 0, sig: null, stableSince: 0, timedOut: false,
            oldDoc: null, loads: 0, loadsAtStart: 0};
  });
  var front = null;            // index of the frame on screen
  var current = -1;            // the state on screen
  var want = null;             // {state, reason: "advance" | "refresh"}: what should come to the front next
  var dwellEnd = 0;
  var retryAt = 0;
  var paused = false, pausedLeft = 0, lastInput = 0;
  var version = config.version;
  var offline = false, loadFailed = false;
  var swaps = 0, log = [];
  var slowCount = {};          // state → loads in a row that timed out
  var nextReload = reloadTime(new Date());
  var lastMove = now(), cursorHidden = false;

  // ---------------------------------------------------------------- frames

  function back() { return front === null ? 0 : 1 - front; }

  function load(slot, index) {
    var s = slots[slot];
    s.state = index; s.version = version; s.status = "loading"; s.started = now();
    s.sig = null; s.stableSince = 0; s.timedOut = false;
    var frame = frames[slot], url = states[index].url;
    // Until the navigation commits, the frame still holds the page it had: never judge that one.
    try { s.oldDoc = frame.contentDocument; } catch (e) { s.oldDoc = null; }
    s.loadsAtStart = s.loads;
    try {
      // replace(): no entry in the session history per slide (500 slides would make 500).
      frame.contentWindow.location.replace(url);
    } catch (e) {
      frame.src = url;
    }
  }

  // "ready" | "wait" | "failed": whether the frame's page is completely drawn.
  function inspect(slot) {
    var s = slots[slot], frame = frames[slot], doc;
    try { doc = frame.contentDocument; } catch (e) { return "failed"; }
    if (!doc) {  // an error page of the browser (the server did not answer), once it has loaded
      return s.loads > s.loadsAtStart ? "failed" : "wait";
    }
    if (doc === s.oldDoc) { return "wait"; }
    s.oldDoc = null;
    if (doc.location.href === "about:blank" || doc.readyState !== "complete") { return "wait"; }
    var root = doc.getElementById("react-entry-point");
    if (!root) { return "failed"; }  // not a cockpit page: an error, or the sign-in page
    if (doc.title === "Updating..." || doc.querySelector("._dash-loading, [data-dash-is-loading='true']")) {
      s.sig = null; return "wait";
    }
    if (!root.firstElementChild || root.getElementsByTagName("*").length < 20) { return "wait"; }
    var graphs = doc.querySelectorAll(".dash-graph"), paths = 0, i;
    for (i = 0; i < graphs.length; i++) {
      var gd = graphs[i].querySelector(".js-plotly-plot");
      if (!gd || !gd._fullLayout || !gd.querySelector(".main-svg")) { return "wait"; }
      var data = gd._fullData || [];
      for (var j = 0; j < data.length; j++) {
        if (data[j].type === "choropleth" && data[j].visible !== false && (data[j].locations || []).length) {
          var drawn = gd.querySelectorAll("path.choroplethlocation").length;
          if (!drawn) { return "wait"; }
          paths += drawn;
          break;
        }
      }
    }
    var grids = doc.querySelectorAll(".ag-root-wrapper"), rows = 0;
    for (i = 0; i < grids.length; i++) {
      var n = grids[i].querySelectorAll(".ag-center-cols-container .ag-row:not(.ag-row-loading)").length;
      var empty = grids[i].querySelector(".ag-overlay-no-rows-wrapper, .ag-overlay-no-rows-center");
      if (!n && !empty) { return "wait"; }
      if (grids[i].querySelector(".ag-row-loading, .ag-skeleton-container, .ag-loading")) { return "wait"; }
      rows += n;
    }
    var sig = graphs.length + ":" + paths + ":" + rows + ":" + root.getElementsByTagName("*").length;
    var t = now();
    if (sig !== s.sig) { s.sig = sig; s.stableSince = t; return "wait"; }
    return t - s.stableSince >= config.quietMs ? "ready" : "wait";
  }

  // `waited`: how long past its dwell the previous state stayed because this one was not drawn yet.
  function show(slot, waited) {
    var old = front;
    front = slot;
    frames[slot].classList.add("front");
    frames[slot].classList.remove("back");
    if (old !== null) {
      frames[old].classList.remove("front");
      frames[old].classList.add("back");
    }
    current = slots[slot].state;
    swaps += 1;
    log.push({state: current, at: Date.now(), waited: Math.round(waited || 0)});
    if (log.length > LOG_MAX) { log.shift(); }
    el("wall-waiting").hidden = true;
    cursor(cursorHidden);
  }

  // ---------------------------------------------------------------- the loop

  // The state `step` away; a state that would not draw twice in a row is passed over (once:
  // `advancing` forgets its failures, so it is tried again the next time round).
  function nextIndex(from, step, advancing) {
    var n = states.length, dir = step < 0 ? -1 : 1, target = ((from + step) % n + n) % n;
    for (var k = 0; k < n - 1 && (slowCount[target] || 0) >= 2; k++) {
      if (advancing) { slowCount[target] = 0; }
      target = ((target + dir) % n + n) % n;
    }
    return target;
  }

  function tick() {
    var t = now();
    slots.forEach(function (s, slot) {
      if (s.status !== "loading") { return; }
      var seen = inspect(slot);
      if (seen === "ready") {
        s.status = "ready"; slowCount[s.state] = 0;
        if (loadFailed) { loadFailed = false; badge(); }
      } else if (seen === "failed") {
        s.status = "failed"; loadFailed = true; badge();
      } else if (t - s.started > config.readyTimeoutMs) {
        s.status = "failed"; s.timedOut = true; slowCount[s.state] = (slowCount[s.state] || 0) + 1;
      }
    });
    if (paused && t - lastInput >= config.idleMs) { resume(); }
    var b = back();
    if (want !== null) {
      var s = slots[b];
      if (s.state !== want.state || s.version !== version || s.status === "empty") {
        if (t >= retryAt) { load(b, want.state); }
      } else if (s.status === "ready") {
        var reason = want.reason, waited = want.since === undefined ? 0 : t - want.since;
        want = null;
        show(b, waited);
        if (reason !== "refresh") { setDwell(states[current].dwell * 1000); }
      } else if (s.status === "failed") {
        // Keep the frame on screen; try again later.
        s.status = "empty";
        retryAt = t + RETRY_MS;
        if (s.timedOut && want.reason === "advance" && front !== null) { want = null; setDwell(RETRY_MS); }
      }
    } else if (front !== null && !paused && states.length > 1 && t >= dwellEnd && t >= retryAt) {
      want = {state: nextIndex(current, 1, true), reason: "advance", since: t};
    } else if (front !== null && slots[front].version !== version && t >= retryAt) {
      want = {state: current, reason: "refresh"};  // the data changed: redraw the same state behind
    } else if (front !== null && states.length > 1 && t >= retryAt) {
      var upcoming = nextIndex(current, 1), bs = slots[b];
      if (bs.state !== upcoming || bs.version !== version || bs.status === "empty" || bs.status === "failed") {
        load(b, upcoming);  // draw the next state behind while this one is shown
      }
    }
    progress(t);
    if (!cursorHidden && t - lastMove > CURSOR_MS) { cursor(true); }
    if (Date.now() >= nextReload) { nightly(); }
  }

  function setDwell(ms) {
    if (paused) { pausedLeft = ms; } else { dwellEnd = now() + ms; }
  }

  function step(delta) {
    if (!states.length) { return; }
    var from = want !== null && want.reason === "advance" ? want.state : current;
    want = {state: nextIndex(from < 0 ? 0 : from, delta, true), reason: "advance"};
    retryAt = 0;
  }

  function progress(t) {
    if (front === null || !states.length) { return; }
    var total = states[current].dwell * 1000;
    var left = paused ? pausedLeft : Math.max(0, dwellEnd - t);
    if (states.length < 2) { left = total; }
    document.querySelector("#wall-progress .wall-progress-bar").style.transform =
      "scaleX(" + Math.min(1, left / total).toFixed(4) + ")";
    var text = states.length < 2 ? "" : Math.ceil(left / 1000) + " 秒";
    var label = el("wall-left");
    if (label.textContent !== text) { label.textContent = text; }
  }

  // ---------------------------------------------------------------- pausing, keys, the pointer

  function pause() {
    lastInput = now();
    if (paused) { return; }
    paused = true;
    pausedLeft = Math.max(0, dwellEnd - now());
    el("wall-paused").hidden = false;
  }

  function resume() {
    if (!paused) { return; }
    paused = false;
    dwellEnd = now() + pausedLeft;
    el("wall-paused").hidden = true;
  }

  function onKey(event) {
    if (event.key === "ArrowRight") { step(1); event.preventDefault(); }
    else if (event.key === "ArrowLeft") { step(-1); event.preventDefault(); }
    else { pause(); }
  }

  function onMove() {
    lastMove = now();
    if (cursorHidden) { cursor(false); }
  }

  function listen(win) {
    win.addEventListener("keydown", onKey, true);
    win.addEventListener("pointerdown", pause, true);
    win.addEventListener("touchstart", pause, {capture: true, passive: true});
    win.addEventListener("mousemove", onMove, {capture: true, passive: true});
  }

  function cursor(hidden) {
    cursorHidden = hidden;
    document.documentElement.classList.toggle("wall-cursor-hidden", hidden);
    frames.forEach(function (frame) {
      try {
        var doc = frame.contentDocument;
        if (!doc || !doc.documentElement) { return; }
        if (!doc.getElementById("wall-cursor-style")) {
          var style = doc.createElement("style");
          style.id = "wall-cursor-style";
          style.textContent = "html.wall-cursor-hidden, html.wall-cursor-hidden * { cursor: none !important; }";
          (doc.head || doc.documentElement).appendChild(style);
        }
        doc.documentElement.classList.toggle("wall-cursor-hidden", hidden);
      } catch (e) { /* an error page of the browser: nothing to hide */ }
    });
  }

  frames.forEach(function (frame, slot) {
    frame.addEventListener("load", function () {
      slots[slot].loads += 1;
      try { if (frame.contentWindow && frame.contentDocument) { listen(frame.contentWindow); } } catch (e) { /* error page */ }
      cursor(cursorHidden);
    });
  });
  listen(window);

  // ---------------------------------------------------------------- freshness and the connection

  function badge() {
    el("wall-offline").hidden = !(offline || loadFailed);
  }

  function poll() {
    fetch(config.versionUrl, {cache: "no-store", credentials: "same-origin"})
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (v) {
        if (offline) { retryAt = 0; }  // the server is back: carry on at once
        offline = false;
        if (v && v.version && v.version !== version) { version = v.version; }
        badge();
      })
      .catch(function () { offline = true; badge(); })
      .then(function () { setTimeout(poll, config.pollMs); });
  }

  function reloadTime(from) {
    var at = new Date(from.getTime());
    at.setHours(config.reloadHour, 0, 0, 0);
    if (at.getTime() <= from.getTime()) { at.setDate(at.getDate() + 1); }
    return at.getTime() + Math.floor(Math.random() * 15 * 60 * 1000);  // screens of a building apart
  }

  function nightly() {
    nextReload = Date.now() + 60 * 1000;  // asked again in a minute unless the reload happens
    fetch(config.versionUrl, {cache: "no-store", credentials: "same-origin"})
      .then(function (r) { if (r.ok) { window.location.reload(); } })
      .catch(function () { /* the server is away: keep the last good frame, ask again later */ });
  }

  // ---------------------------------------------------------------- the API for tests and benchmarks

  window.cockpitWall = {
    next: function () { step(1); },
    prev: function () { step(-1); },
    pause: pause,
    resume: function () { lastInput = -Infinity; resume(); },
    state: function () {
      var f = front === null ? null : frames[front];
      var url = null;
      try { url = f && f.contentWindow.location.pathname + f.contentWindow.location.search; } catch (e) { url = null; }
      return {current: current, paused: paused, offline: offline || loadFailed, swaps: swaps, version: version,
              front: front === null ? null : frames[front].id, url: url, states: states.length,
              left: paused ? pausedLeft : Math.max(0, dwellEnd - now()), log: log.slice(),
              behind: slots[back()].state, behindReady: slots[back()].status === "ready"};
    },
    frontDocument: function () {
      try { return front === null ? null : frames[front].contentDocument; } catch (e) { return null; }
    }
  };

  if (states.length) {
    want = {state: 0, reason: "advance"};
    setInterval(tick, TICK_MS);
    setTimeout(poll, config.pollMs);
  }
})();
