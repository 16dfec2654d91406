"""Every cockpit URL: its path, its query keys in the order links write them, built and parsed here.

A view's state is its URL, so two links to one view must be the same string: keys go in a fixed
order, empty values are left out, and a repeated key has one rule (its first value, with a
notice). Nothing else in the code writes a path or a query string; the browser never builds one
either: the server puts every link it offers in the page (hrefs, and lookup tables that
clientside callbacks read), so there is no second copy of these rules in JavaScript.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, quote, unquote, urlencode

FILTER_KEYS = ("from", "to", "channel", "origin", "industry")
WALL_KEY = "wall"
# A project list's column filters, one key per grid column (their encoding: urls/list_filters.py).
LIST_COLUMN_KEYS = ("c_name", "c_investor", "c_park", "c_unit", "c_county", "c_industry", "c_link", "c_channel",
                    "c_status", "c_contract", "c_funds", "c_signed", "c_started", "c_production")

# route → (path template, query keys in order). A template's <name> is one path segment.
ROUTES: dict[str, tuple[str, tuple[str, ...]]] = {
    "overview": ("/", (*FILTER_KEYS, WALL_KEY)),
    "region": ("/region/<adcode>", (*FILTER_KEYS, WALL_KEY)),
    "chains": ("/chains", ("region", "industry", "link", "measure", "from", "to", "channel", "origin", WALL_KEY)),
    "project": ("/project/<code>", (WALL_KEY,)),
    # The projects behind a figure (issue 14): its region, which figure (entry, key), its filters,
    # and the list's own sort and page.
    "projects": ("/projects", ("region", "entry", "key", *FILTER_KEYS, *LIST_COLUMN_KEYS, "sort", "page", WALL_KEY)),
    "warnings": ("/warnings", ("region", *FILTER_KEYS, "rule", "light", WALL_KEY)),
    "rankings": ("/rankings", ("region", "year", WALL_KEY)),
    "definitions": ("/definitions", ()),
    "login": ("/login", ("next",)),
    "login_demo": ("/login/demo", ()),
    "logout": ("/logout", ()),
    "display": ("/display/<token>", ()),
    "admin_users": ("/admin/users", ()),
    "admin_tokens": ("/admin/tokens", ()),
    "admin_audit": ("/admin/audit", ("user", "action", "from", "to")),
    "admin_settings": ("/admin/settings", ()),
    "admin_playlists": ("/admin/playlists", ("name",)),
    "data": ("/data", ("kind", "upload", "sheet", "batch", "rolled")),
    "export_deck": ("/export/deck", ("region", *FILTER_KEYS)),
    "export_screen": ("/export/screen", ("view", "format")),
    "export_list": ("/export/list", ("view", "format")),
    "export_warnings": ("/export/warnings", ("view", "format")),
    # A page's table (chains, rankings, warnings' regions, the audit log) as XLSX/CSV, by its key.
    "export_table": ("/export/table", ("view", "table", "format")),
    # A background export (web/jobs.py): its state, then its file.
    "export_job": ("/export/job/<job>", ()),
    "export_job_file": ("/export/job/<job>/file", ()),
    "wall": ("/wall", ()),
    "playlist": ("/wall/<playlist>", ()),
}
MAX_QUERY_VALUE = 200  # longer values are dropped with a notice: no filter value is this long


def _pattern(template: str) -> re.Pattern:
    parts = re.split(r"(<\w+>)", template)
    body = "".join(f"(?P<{p[1:-1]}>[^/]+)" if p.startswith("<") else re.escape(p) for p in parts)
    return re.compile(body)


_PATTERNS = {name: _pattern(template) for name, (template, _) in ROUTES.items()}


@dataclass(frozen=True)
class Location:
    """A parsed URL: its route (None: no cockpit page), path arguments, query and notices."""
    route: str | None
    args: dict = field(default_factory=dict)
    query: dict = field(default_factory=dict)
    problems: tuple[str, ...] = ()


class Urls:
    """Builds and parses URLs under the app's path prefix ('/' unless behind a sub-path proxy)."""

    def __init__(self, prefix: str = "/") -> None:
        self.prefix = "/" + prefix.strip("/") + "/" if prefix.strip("/") else "/"

    def build(self, route: str, query: dict | None = None, **args) -> str:
        template, keys = ROUTES[route]
        path = template
        for name, value in args.items():
            path = path.replace(f"<{name}>", quote(str(value), safe=""))
        if "<" in path:
            raise ValueError(f"{route}: missing path arguments in {path}")
        return self.prefix + path.lstrip("/") + search(route, query or {})

    def parse(self, pathname: str | None, search_text: str | None = "") -> Location:
        path = pathname or "/"
        if path.startswith(self.prefix):
            path = "/" + path[len(self.prefix):]
        elif path + "/" == self.prefix:
            path = "/"
        path = path.rstrip("/") or "/"
        for name, pattern in _PATTERNS.items():
            match = pattern.fullmatch(path)
            if match:
                query, problems = query_of(search_text)
                return Location(name, {k: unquote(v) for k, v in match.groupdict().items()}, query, problems)
        return Location(None)

    def overview(self, adcode: int | None, query: dict | None = None) -> str:
        """The overview of a region (the province's is '/')."""
        from data_access.vocab import PROVINCE_ADCODE

        if adcode is None or int(adcode) == PROVINCE_ADCODE:
            return self.build("overview", query)
        return self.build("region", query, adcode=int(adcode))


# The tables of a page that export as XLSX/CSV (web/exports.py TABLES), by the page's route.
PAGE_TABLES = {
    "chains": ("chain_gaps", "chain_grid", "chain_projects", "chain_candidates"),
    "rankings": ("rankings",),
    "warnings": ("regions",),
    "admin_audit": ("audit",),
}


def export_hrefs(urls: Urls, view: str, deck: dict | None = None) -> dict[str, str]:
    """The export menu's links for a view (its own URL, as the server wrote it); with `deck`, the
    overview's region and filters, the briefing deck of that view too; and the page's tables as
    Excel and CSV ('table:<key>:xlsx')."""
    hrefs = {"png": urls.build("export_screen", {"view": view, "format": "png"}),
             "pdf": urls.build("export_screen", {"view": view, "format": "pdf"})}
    if deck is not None:
        hrefs["deck"] = urls.build("export_deck", deck)
    path, _, query = view.partition("?")
    for table in PAGE_TABLES.get(urls.parse(path, query).route, ()):
        for fmt in ("xlsx", "csv"):
            hrefs[f"table:{table}:{fmt}"] = urls.build("export_table", {"view": view, "table": table, "format": fmt})
    return hrefs


def table_export_hrefs(urls: Urls, view: str) -> dict[str, str]:
    """Only the page's tables (a page whose screen is not exported: the audit log)."""
    return {k: v for k, v in export_hrefs(urls, view).items() if k.startswith("table:")}


def list_export_hrefs(urls: Urls, view: str, route: str = "export_list") -> dict[str, str]:
    """A list's data as Excel and CSV (a project list, or with route "export_warnings" the
    warnings page's list), and the view's screen."""
    return {"xlsx": urls.build(route, {"view": view, "format": "xlsx"}),
            "csv": urls.build(route, {"view": view, "format": "csv"}),
            **export_hrefs(urls, view)}


def search(route: str, query: dict) -> str:
    """The query string of a route ('' when empty): its keys in order, empty values left out."""
    keys = ROUTES[route][1]
    unknown = set(query) - set(keys)
    if unknown:
        raise ValueError(f"{route} takes no {sorted(unknown)}")
    kept = [(k, str(query[k])) for k in keys if query.get(k) not in (None, "")]
    return "?" + urlencode(kept) if kept else ""


def query_of(search_text: str | None) -> tuple[dict[str, str], tuple[str, ...]]:
    """The query string as {key: value}: a repeated key keeps its first value, with a notice."""
    text = (search_text or "").lstrip("?")
    out: dict[str, str] = {}
    problems: list[str] = []
    for key, value in parse_qsl(text, keep_blank_values=True):
        if key in out:
            if f"参数“{key[:20]}”重复，已取第一个值" not in problems:
                problems.append(f"参数“{key[:20]}”重复，已取第一个值")
            continue
        if len(value) > MAX_QUERY_VALUE:
            problems.append(f"参数“{key[:20]}”过长，已忽略")
            value = ""
        out[key] = value
    return out, tuple(problems)
