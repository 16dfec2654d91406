// The ⓘ beside a figure shows its definition (口径) on hover or keyboard focus, in one tooltip
// laid over the page: cards and panels clip what overflows them, so it cannot live inside them.
// The text is the element's data-tip, written by the server from data_access/glossary.py.
(function () {
  var tip = null;

  function show(el) {
    if (!tip) {
      tip = document.createElement("div");
      tip.id = "info-tip";
      tip.setAttribute("role", "tooltip");
      document.body.appendChild(tip);
    }
    tip.textContent = el.getAttribute("data-tip");
    tip.style.display = "block";
    var box = el.getBoundingClientRect();
    var w = tip.offsetWidth, h = tip.offsetHeight;
    var left = Math.min(Math.max(8, box.left + box.width / 2 - w / 2), window.innerWidth - w - 8);
    var top = box.bottom + 6 + h > window.innerHeight ? box.top - h - 6 : box.bottom + 6;
    tip.style.left = left + "px";
    tip.style.top = Math.max(8, top) + "px";
  }

  function hide() {
    if (tip) { tip.style.display = "none"; }
  }

  function mark(event) {
    var el = event.target && event.target.closest ? event.target.closest(".info[data-tip]") : null;
    return el;
  }

  document.addEventListener("mouseover", function (e) { var el = mark(e); if (el) { show(el); } });
  document.addEventListener("mouseout", function (e) { if (mark(e)) { hide(); } });
  document.addEventListener("focusin", function (e) { var el = mark(e); if (el) { show(el); } });
  document.addEventListener("focusout", function (e) { if (mark(e)) { hide(); } });
  document.addEventListener("keydown", function (e) { if (e.key === "Escape") { hide(); } });
})();
