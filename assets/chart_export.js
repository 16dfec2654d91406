// Chart downloads that read on a slide: the modebar offers a light print image (the default:
// dark text on white), an SVG of it, and the screen's dark theme, each opaque, with the chart's
// title, region, period, units and 数据截至 drawn inside the image, named after chart, region and
// period (components/theme.py graph_config puts those in `toImageButtonOptions.cockpit`).
//
// dcc.Graph hands every figure to window.Plotly.react / newPlot; wrapping those two adds the
// buttons to each graph's config (a config from the server is JSON and cannot carry functions).
(function () {
  var THEMES = {
    light: {bg: "#ffffff", text: "#1f2a37", muted: "#5b6b7f", grid: "#d5dde8", line: "#9aa8ba"},
    dark: {bg: "#0b2545", text: "#e6f0ff", muted: "#8fb0d9", grid: "rgba(120,170,230,0.25)", line: "#4f6a8c"}
  };
  var CAMERA = {width: 1000, height: 1000,
    path: "m500 450c-83 0-150-67-150-150 0-83 67-150 150-150 83 0 150 67 150 150 0 83-67 150-150 150z m400 " +
          "150h-120c-16 0-34 13-39 29l-31 93c-6 15-23 28-40 28h-340c-16 0-34-13-39-28l-31-94c-6-15-23-28-40-28" +
          "h-120c-55 0-100-45-100-100v-450c0-55 45-100 100-100h800c55 0 100 45 100 100v450c0 55-45 100-100 100z",
    transform: "matrix(1 0 0 -1 0 850)"};

  function clone(x) { return x === undefined ? undefined : JSON.parse(JSON.stringify(x)); }

  function isLight(color) {
    if (typeof color !== "string") { return false; }
    var m = color.match(/^#([0-9a-f]{6})$/i), rgb;
    if (m) {
      rgb = [0, 2, 4].map(function (i) { return parseInt(m[1].substr(i, 2), 16); });
    } else if ((m = color.match(/rgba?\(([^)]+)\)/))) {
      rgb = m[1].split(",").slice(0, 3).map(Number);
    } else {
      return color === "white";
    }
    return (0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]) / 255 > 0.6;
  }

  function recolourFont(font, pal) {
    var out = Object.assign({}, font || {});
    if (!out.color || isLight(out.color) !== isLight(pal.text)) { out.color = pal.text; }
    return out;
  }

  function themed(gd, pal, meta, cutoff) {
    var layout = clone(gd.layout) || {};
    layout.paper_bgcolor = pal.bg;
    layout.plot_bgcolor = pal.bg;
    layout.font = Object.assign({}, layout.font, {color: pal.text});
    Object.keys(layout).forEach(function (key) {
      if (/^[xy]axis\d*$/.test(key)) {
        var ax = layout[key] = Object.assign({}, layout[key]);
        ax.color = pal.text; ax.gridcolor = pal.grid; ax.linecolor = pal.line; ax.zerolinecolor = pal.line;
        ax.tickfont = recolourFont(ax.tickfont, pal);
        if (ax.title && typeof ax.title === "object") { ax.title = Object.assign({}, ax.title, {font: recolourFont(ax.title.font, pal)}); }
      }
    });
    if (layout.legend) { layout.legend = Object.assign({}, layout.legend, {font: recolourFont(layout.legend.font, pal), bgcolor: "rgba(0,0,0,0)"}); }
    if (layout.geo) { layout.geo = Object.assign({}, layout.geo, {bgcolor: pal.bg}); }
    if (layout.coloraxis && layout.coloraxis.colorbar) {
      var cb = layout.coloraxis.colorbar;
      cb.tickfont = recolourFont(cb.tickfont, pal);
      if (cb.title) { cb.title.font = recolourFont((cb.title || {}).font, pal); }
    }
    (layout.annotations || []).forEach(function (a) { a.font = recolourFont(a.font, pal); });
    var data = (gd.data || []).map(function (trace) {
      var t = Object.assign({}, trace);
      // Labels outside bars and on lines sit on the background: give them its ink. Labels inside
      // bars and on map polygons sit on the trace's own colour and keep theirs.
      var inside = t.textposition === "inside" || t.type === "choropleth" || t.type === "scattergeo";
      if (!inside && t.textfont) { t.textfont = recolourFont(t.textfont, pal); }
      if (t.outsidetextfont) { t.outsidetextfont = recolourFont(t.outsidetextfont, pal); }
      if (t.colorbar) {
        t.colorbar = Object.assign({}, t.colorbar, {tickfont: recolourFont(t.colorbar.tickfont, pal)});
        if (t.colorbar.title && typeof t.colorbar.title === "object") {
          t.colorbar.title = Object.assign({}, t.colorbar.title, {font: recolourFont(t.colorbar.title.font, pal)});
        }
      }
      return t;
    });
    var sub = [meta.region, meta.period, meta.units ? "单位：" + meta.units : "", cutoff ? "数据截至 " + cutoff : ""]
      .filter(Boolean).join(" · ");
    layout.title = {text: "<b>" + (meta.title || "") + "</b><br><span style=\"font-size:13px;color:" + pal.muted + "\">" + sub + "</span>",
                    x: 0.02, xanchor: "left", xref: "container", y: 1, yref: "container", yanchor: "top",
                    pad: {t: 30}, font: {size: 20, color: pal.text}};
    layout.margin = Object.assign({l: 60, r: 30, b: 50}, layout.margin);
    layout.margin.t = Math.max(layout.margin.t || 0, 100);
    return {data: data, layout: layout};
  }

  function download(gd, format, themeName) {
    var P = window.Plotly;
    var opts = gd.__cockpitImage || {};
    var meta = opts.cockpit || {};
    var cutoffNode = document.getElementById("data-cutoff");
    var fig = themed(gd, THEMES[themeName], meta, cutoffNode ? cutoffNode.textContent.trim() : "");
    var full = gd._fullLayout || {};
    var big = (window.screen.width || 0) * (window.devicePixelRatio || 1) >= 3000;
    var name = (opts.filename || "图表") + (themeName === "dark" ? "_深色" : "");
    var config = {locale: "zh-CN"};
    if (gd._context && gd._context.topojsonURL) { config.topojsonURL = gd._context.topojsonURL; }  // offline maps
    return P.downloadImage({data: fig.data, layout: fig.layout, config: config}, {
      format: format, filename: name, width: Math.max(full.width || 900, 640),
      height: Math.max(full.height || 500, 360) + 70, scale: big ? 3 : 2
    });
  }

  function button(name, title, format, themeName) {
    return {name: name, title: title, icon: CAMERA,
            click: function (gd) { download(gd, format, themeName); }};
  }

  function withButtons(config) {
    var cfg = Object.assign({}, config || {});
    cfg.modeBarButtonsToRemove = (cfg.modeBarButtonsToRemove || []).concat(["toImage"]);
    cfg.modeBarButtonsToAdd = [button("cockpit-png", "下载图片（白底 PNG，适合幻灯片）", "png", "light"),
                               button("cockpit-svg", "下载矢量图（白底 SVG）", "svg", "light"),
                               button("cockpit-png-dark", "下载图片（深色 PNG，同屏幕）", "png", "dark")];
    return cfg;
  }

  function wrap(P, name) {
    var original = P[name];
    P[name] = function (gd, a, b, c) {
      if (a && !Array.isArray(a) && typeof a === "object" && ("data" in a || "layout" in a || "config" in a)) {
        if (gd && a.config) { gd.__cockpitImage = (a.config.toImageButtonOptions || {}); }
        return original.call(this, gd, Object.assign({}, a, {config: withButtons(a.config)}));
      }
      if (gd && c) { gd.__cockpitImage = (c.toImageButtonOptions || {}); }
      return original.call(this, gd, a, b, withButtons(c));
    };
  }

  function install() {
    var P = window.Plotly;
    if (!P || !P.react) { return false; }
    if (!P.__cockpitExport) {
      wrap(P, "react");
      wrap(P, "newPlot");
      P.__cockpitExport = true;
    }
    return true;
  }

  if (!install()) {
    var tries = 0;
    var timer = setInterval(function () { if (install() || ++tries > 400) { clearInterval(timer); } }, 25);
  }
})();
