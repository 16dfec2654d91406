// Chinese month and weekday names for Dash 4's date pickers. Dash formats the calendar with
// date-fns and takes its locale from window.dateFns.locale (matched against the browser's
// languages, else the first one loaded), so this file is the picker's whole locale. Weeks start
// on Monday by the pickers' first_day_of_week (components/navigation.py), as Chinese calendars do.
(function () {
  var months = ["1月", "2月", "3月", "4月", "5月", "6月", "7月", "8月", "9月", "10月", "11月", "12月"];
  var days = {
    narrow: ["日", "一", "二", "三", "四", "五", "六"],
    short: ["日", "一", "二", "三", "四", "五", "六"],
    abbreviated: ["周日", "周一", "周二", "周三", "周四", "周五", "周六"],
    wide: ["星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"]
  };
  var noMatch = function () { return null; };
  var zhCN = {
    code: "zh-CN",
    formatDistance: function (token, count) { return String(count); },
    formatRelative: function () { return "P"; },
    localize: {
      ordinalNumber: function (n) { return "第" + n; },
      era: function (n) { return n ? "公元" : "公元前"; },
      quarter: function (n) { return "第" + ["一", "二", "三", "四"][n] + "季度"; },
      month: function (n) { return months[n]; },
      day: function (n, options) { return (days[(options && options.width) || "wide"] || days.wide)[n]; },
      dayPeriod: function (period) { return { am: "上午", pm: "下午", midnight: "午夜", noon: "中午",
        morning: "早上", afternoon: "下午", evening: "晚上", night: "夜里" }[period] || ""; }
    },
    formatLong: {
      date: function () { return "y-MM-dd"; },
      time: function () { return "HH:mm:ss"; },
      dateTime: function () { return "{{date}} {{time}}"; }
    },
    match: { ordinalNumber: noMatch, era: noMatch, quarter: noMatch, month: noMatch, day: noMatch,
             dayPeriod: noMatch },
    options: { weekStartsOn: 1, firstWeekContainsDate: 4 }
  };
  window.dateFns = window.dateFns || {};
  window.dateFns.locale = Object.assign({ zhCN: zhCN }, window.dateFns.locale || {});
})();
