// plotly.js's own words (modebar buttons, download notices) in Chinese: every graph's config
// asks for locale "zh-CN" (components/theme.py). Registered on plotly when it is already loaded
// (the cockpit's bundle), else handed to plotly.js to register as it loads (Dash's bundle).
(function () {
  var zh = {
    moduleType: "locale",
    name: "zh-CN",
    dictionary: {
      "Download plot as a PNG": "下载图表（PNG，2倍分辨率）",
      "Download plot": "下载图表",
      "Preparing image - this may take a few seconds": "正在生成图片，请稍候",
      "Image download succeeded": "图片已下载",
      "Sorry, there was a problem downloading your image!": "图片下载失败，请重试",
      "Zoom": "缩放",
      "Pan": "平移",
      "Zoom in": "放大",
      "Zoom out": "缩小",
      "Autoscale": "自动缩放",
      "Reset axes": "重置坐标轴",
      "Reset view": "重置视图",
      "Reset": "重置",
      "Show closest data on hover": "悬停显示最近数据",
      "Compare data on hover": "悬停比较数据",
      "Toggle Spike Lines": "显示辅助线",
      "Double-click to zoom back out": "双击还原",
      "Double-click on legend to isolate one trace": "双击图例只看该项"
    },
    format: {
      days: ["星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"],
      shortDays: ["周日", "周一", "周二", "周三", "周四", "周五", "周六"],
      months: ["一月", "二月", "三月", "四月", "五月", "六月", "七月", "八月", "九月", "十月", "十一月", "十二月"],
      shortMonths: ["1月", "2月", "3月", "4月", "5月", "6月", "7月", "8月", "9月", "10月", "11月", "12月"],
      date: "%Y-%m-%d"
    }
  };
  if (window.Plotly && window.Plotly.register) {
    window.Plotly.register(zh);
  } else {
    (window.PlotlyLocales = window.PlotlyLocales || []).push(zh);
  }
})();
