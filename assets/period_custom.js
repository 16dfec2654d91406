// Choosing 自定义 (custom) in a period menu opens the calendar beside it: the menu alone changes
// no dates, so without this the choice would seem to do nothing. A click on the option is the
// leader's choice; the menu being set from the URL (a redraw) opens nothing.
(function () {
  document.addEventListener("click", function (event) {
    var option = event.target && event.target.closest ? event.target.closest("[role='option']") : null;
    if (!option || option.textContent.trim() !== "自定义") { return; }
    setTimeout(function () {
      var wrapper = document.querySelector(".filter-bar .dash-datepicker [aria-haspopup='dialog']");
      if (wrapper && wrapper.getAttribute("aria-expanded") !== "true") { wrapper.click(); }
    }, 50);
  }, true);
})();
