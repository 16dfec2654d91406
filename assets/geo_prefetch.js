// The borders, read ahead into the cache plotly.js looks in first (PlotlyGeoAssets, keyed by
// the URL a figure names). Otherwise plotly fetches them only when it draws a map: the cities
// after it has started, the counties at the first drill, where that map then waits behind the
// panels drawn meanwhile. The index page preloads the cities' file (app.py).
(function () {
  var link = document.querySelector('link[rel="preload"][href$="geo/guizhou-cities.geojson"]');
  if (!link || !window.fetch) { return; }
  var cities = link.getAttribute("href");
  var assets = window.PlotlyGeoAssets = window.PlotlyGeoAssets || { topojson: {} };
  [cities, cities.replace("guizhou-cities", "guizhou-counties")].forEach(function (url) {
    fetch(url, { credentials: "same-origin" })
      .then(function (resp) { return resp.ok ? resp.json() : null; })
      .then(function (geo) {
        // plotly may have fetched it meanwhile (an object), or be fetching it ("pending").
        if (geo && typeof assets[url] !== "object") { assets[url] = geo; }
      })
      .catch(function () { /* plotly fetches the borders itself */ });
  });
})();
