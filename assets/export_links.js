// Export links (components/export_menu.py): the file is made on the server in the background
// (web/jobs.py). A click starts the job (POST to the link the server wrote, X-Export-Job: 1), then
// a small panel in the corner says where it is (排队中 / 正在生成… / 完成 / 失败：why) until the
// file is handed to the browser with its own name. When the server refuses (403, 429, 503), the
// panel says why instead of a blank tab. Ctrl/Shift-click still opens the link itself (a GET
// answered with the file directly).
(function () {
  var POLL_MS = 500;

  function panel() {
    var box = document.getElementById("export-progress");
    if (box) { return box; }
    box = document.createElement("div");
    box.id = "export-progress";
    box.setAttribute("role", "status");
    box.setAttribute("aria-live", "polite");
    box.style.cssText = "position:fixed;right:16px;bottom:16px;z-index:1000;display:flex;flex-direction:column;" +
      "gap:6px;max-width:420px;font-size:14px;";
    document.body.appendChild(box);
    return box;
  }

  function row(title) {
    var item = document.createElement("div");
    item.className = "export-job";
    item.style.cssText = "padding:8px 12px;border-radius:6px;background:#0b2545;color:#e6f1ff;" +
      "border:1px solid rgba(51,201,255,.45);box-shadow:0 2px 8px rgba(0,0,0,.35);";
    var name = document.createElement("b");
    name.textContent = title + "：";
    var state = document.createElement("span");
    state.className = "export-job-state";
    item.appendChild(name);
    item.appendChild(state);
    panel().appendChild(item);
    return {
      say: function (text, tone) {
        state.textContent = text;
        item.setAttribute("data-state", tone || "busy");
        if (tone === "failed") { item.style.borderColor = "#ff6b6b"; }
        if (tone === "done") { item.style.borderColor = "#3ddc97"; }
      },
      close: function (ms) { setTimeout(function () { item.remove(); }, ms); }
    };
  }

  function save(href, name) {
    var a = document.createElement("a");
    a.href = href;
    a.download = name || "";
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { a.remove(); }, 1000);
  }

  function failed(resp) {
    return resp.text().then(function (t) {
      var text = t;
      try { text = JSON.parse(t).message || t; } catch (e) { /* plain text */ }
      throw new Error(text || ("导出失败（" + resp.status + "）"));
    });
  }

  function follow(statusUrl, job, done) {
    fetch(statusUrl, {credentials: "same-origin", cache: "no-store"})
      .then(function (resp) { return resp.ok ? resp.json() : failed(resp); })
      .then(function (s) {
        if (s.state === "完成") {
          job.say("完成", "done");
          save(s.file, s.name);
          job.close(4000);
          done();
        } else if (s.state === "失败") {
          throw new Error(s.message || "生成文件时出错");
        } else {
          job.say(s.state + (s.seconds >= 1 ? "（" + Math.floor(s.seconds) + " 秒）" : ""));
          setTimeout(function () { follow(statusUrl, job, done); }, POLL_MS);
        }
      })
      .catch(function (err) {
        job.say("失败：" + String(err.message || err).slice(0, 200), "failed");
        job.close(15000);
        done();
      });
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.export-link");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey) { return; }
    event.preventDefault();
    if (link.classList.contains("exporting")) { return; }
    link.classList.add("exporting");
    link.setAttribute("aria-busy", "true");
    var menu = link.closest("details");
    if (menu) { menu.open = false; }
    var job = row(link.textContent.trim());
    job.say("排队中");
    function done() {
      link.classList.remove("exporting");
      link.removeAttribute("aria-busy");
    }
    fetch(link.href, {method: "POST", credentials: "same-origin", headers: {"X-Export-Job": "1"}})
      .then(function (resp) { return resp.status === 202 ? resp.json() : failed(resp); })
      .then(function (started) { follow(started.status, job, done); })
      .catch(function (err) {
        job.say("失败：" + String(err.message || err).slice(0, 200), "failed");
        job.close(15000);
        done();
      });
  });
})();
