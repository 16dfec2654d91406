/* AG Grid's script (dash-ag-grid's async chunk) loads and starts only when a page first draws a
   grid, which put ~300 ms of fetching and start-up between a click on a figure and its project
   list (scripts/bench_details.py). An analyst's overview draws one empty, hidden grid once the
   browser is idle, so the first list finds the grid's code ready, and takes it away again so
   that no stray grid stays in the page. data-grid-warm on <html>: 1 done, 0 not needed. */
window.dash_clientside = window.dash_clientside || {};
window.dash_clientside.cockpit_shell = Object.assign(window.dash_clientside.cockpit_shell || {}, {
    warmGrid: function () {
        var idle = window.requestIdleCallback || function (f) { return window.setTimeout(f, 1500); };
        var root = document.documentElement;
        return new Promise(function (resolve) {
            var skip = function () { root.setAttribute("data-grid-warm", "0"); resolve(null); };
            var warm = function () {
                resolve({namespace: "dash_ag_grid", type: "AgGrid",
                         props: {id: "grid-warmup-grid", columnDefs: [], rowData: []}});
                var gone = function (tries) {
                    if (document.querySelector("#grid-warmup .ag-root-wrapper") || tries > 40) {
                        window.dash_clientside.set_props("grid-warmup", {children: null});
                        root.setAttribute("data-grid-warm", "1");
                    } else {
                        window.setTimeout(function () { gone(tries + 1); }, 250);
                    }
                };
                window.setTimeout(function () { gone(0); }, 250);
            };
            // Only the overview, whose figures lead to lists and which draws no grid of its own:
            // another page's grid may still be laying out (a chain page's tables come with a
            // callback), and a second grid starting then held it up; a wall has no clicks. The
            // page arrives after the shell: wait for it, then for the browser to be idle.
            var decide = function (tries) {
                var page = document.querySelector(".cockpit-main .page");
                if (!page && tries < 60) {
                    window.setTimeout(function () { decide(tries + 1); }, 250);
                } else if (!page || page.id !== "overview" || document.querySelector(".ag-root-wrapper")
                           || root.classList.contains("cockpit-wall")) {
                    skip();
                } else {
                    idle(warm, {timeout: 4000});
                }
            };
            decide(0);
        });
    },
});
