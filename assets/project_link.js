/* A project's name in a grid, as a link to its file (issue 14). The server writes each row's
   `href` (urls/routes.py); this only draws it, and follows it the way dcc.Link does (history
   push and Dash's own event), so the app is not reloaded. A modified click opens a new tab. */
var dagcomponentfuncs = (window.dashAgGridComponentFunctions = window.dashAgGridComponentFunctions || {});

dagcomponentfuncs.ProjectLink = function (props) {
    var href = props.data && props.data.href;
    if (!href) { return props.value; }
    return React.createElement('a', {
        href: href,
        title: props.value,
        onClick: function (event) {
            if (event.ctrlKey || event.metaKey || event.shiftKey || event.altKey || event.button !== 0) { return; }
            event.preventDefault();
            window.history.pushState({}, '', href);
            window.dispatchEvent(new CustomEvent('_dashprivate_pushstate'));
            window.scrollTo(0, 0);
        },
    }, props.value);
};
