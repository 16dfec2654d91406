/* AG Grid's script (dash-ag-grid's async chunk) loads and starts only when a page first draws a
   grid, which put ~300 ms of fetching and start-up between a click on a figure and its project
   list (scripts/bench_details.py). An analyst's page draws one empty, hidden grid once the
   browser is idle, so the first list finds the grid's code ready, and takes it away again so
   that no stray grid stays in the page. */
window.dash_clientside = window.dash_clientside || {};
window.dash_clientside.cockpit_shell = Object.assign(window.dash_clientside.cockpit_shell || {}, {
    warmGrid: function () {
        var idle = window.requestIdleCallback || function (f) { return window.setTimeout(f, 1500); };
        return new Promise(function (resolve) {
            idle(function () {
                resolve({namespace: "dash_ag_grid", type: "AgGrid",
                         props: {id: "grid-warmup-grid", columnDefs: [], rowData: []}});
                var gone = function (tries) {
                    if (document.querySelector("#grid-warmup .ag-root-wrapper") || tries > 40) {
                        window.dash_clientside.set_props("grid-warmup", {children: null});
                        document.documentElement.setAttribute("data-grid-warm", "1");
                    } else {
                        window.setTimeout(function () { gone(tries + 1); }, 250);
                    }
                };
                window.setTimeout(function () { gone(0); }, 250);
            }, {timeout: 4000});
        });
    },
});
