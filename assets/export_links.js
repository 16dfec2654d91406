// Export links (components/export_menu.py): the file is made on the server and may take a few
// seconds (a screen render, a deck). Show that it is being made, then hand the file to the
// browser; when the server refuses (403, 429, 503), say why in the page instead of a blank tab.
(function () {
  function filename(resp) {
    var header = resp.headers.get("Content-Disposition") || "";
    var star = header.match(/filename\*=UTF-8''([^;]+)/i);
    if (star) { return decodeURIComponent(star[1]); }
    var plain = header.match(/filename="?([^";]+)"?/i);
    return plain ? plain[1] : "download";
  }
  function notice(text) {
    var box = document.getElementById("app-error");
    if (!box) { window.alert(text); return; }
    box.textContent = "";
    var note = document.createElement("div");
    note.className = "notice notice-warning";
    note.setAttribute("role", "alert");
    note.textContent = text;
    box.appendChild(note);
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.export-link");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey) { return; }
    event.preventDefault();
    if (link.classList.contains("exporting")) { return; }
    var label = link.innerHTML;
    link.classList.add("exporting");
    link.setAttribute("aria-busy", "true");
    link.textContent = "正在生成…";
    fetch(link.href, {credentials: "same-origin"})
      .then(function (resp) {
        if (!resp.ok) { return resp.text().then(function (t) { throw new Error(t || ("导出失败（" + resp.status + "）")); }); }
        return resp.blob().then(function (blob) {
          var a = document.createElement("a");
          a.href = URL.createObjectURL(blob);
          a.download = filename(resp);
          document.body.appendChild(a);
          a.click();
          setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
        });
      })
      .catch(function (err) { notice(String(err.message || err).slice(0, 200)); })
      .then(function () {
        link.classList.remove("exporting");
        link.removeAttribute("aria-busy");
        link.innerHTML = label;
      });
  });
})();
