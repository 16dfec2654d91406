"""Inputs a browser, a crawler or a hand-edited link may send the cockpit, and the checks that
it answered each without a server error (tests/test_no_500.py).

Everything here is deterministic: cases come from fixed lists and a seeded random.Random, so a
failure names an input that fails again on the next run.
"""
from __future__ import annotations

import json
import logging
import random
import re
import traceback
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

UPDATE = "/_dash-update-component"
CJK = re.compile(r"[\u3400-\u9fff]")
# What a server error page or a leaked exception looks like in a response body.
LEAK = re.compile(r"Traceback \(most recent call last\)|File \"[^\"]+\.py\", line \d+")

# The id of the store by which a page tells the router it is on screen (components/routing.py);
# only used when tests/view_helpers.py cannot be imported.
_MOUNTED = {"role": "mounted-page", "page": "overview"}


def _view_helpers_router():
    try:
        from tests.view_helpers import router_payload as helper
    except Exception:  # view_helpers is being refactored too: the same JSON is built below
        return None
    return helper


_HELPER: list = []


def router_payload(pathname, search="", drawn=None) -> dict:
    """The request Dash's page router sends when the URL changes (tests/view_helpers.py)."""
    if not _HELPER:
        _HELPER.append(_view_helpers_router())
    if _HELPER[0] is not None:
        return _HELPER[0](pathname, search, drawn)
    return {
        "output": ".._pages_content.children..._pages_store.data..",
        "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
        "inputs": [{"id": "_pages_location", "property": "pathname", "value": pathname},
                   {"id": "_pages_location", "property": "search", "value": search}],
        "state": [[{"id": _MOUNTED, "property": "data", "value": _MOUNTED["page"]}] if drawn else []],
        "changedPropIds": ["_pages_location.pathname"],
        "parsedChangedPropsIds": ["_pages_location.pathname"],
    }


# ------------------------------------------------------------------ recording server errors

class MaskedException(UserWarning):
    """The server answered < 500 but logged an exception for the request."""


@dataclass
class Failure:
    label: str
    status: int | None
    error: str  # the exception's last line, or the start of the body
    trace: str = ""

    @property
    def kind(self) -> str:
        """What makes two failures the same bug: the exception and where it was raised."""
        frames = [line.strip() for line in self.trace.splitlines() if line.strip().startswith("File ")]
        return f"{self.error.split(':', 1)[0]} @ {frames[-1] if frames else '?'}"


class _Errors(logging.Handler):
    """Exceptions the server logged while answering (an error handler may turn them into a 200
    with a generic message: still a failure to explain the input)."""

    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        if record.exc_info and record.exc_info[1] is not None:
            self.records.append(record)


@dataclass
class Probe:
    """A Flask test client that records every response >= 500 with the exception the server
    raised or logged for it. `strict`: an exception the server logged while answering < 500 (a
    catch-all handler masking it) is a failure too; otherwise it is kept in `masked`."""

    server: object
    strict: bool = True
    failures: list[Failure] = field(default_factory=list)
    masked: list[Failure] = field(default_factory=list)
    count: int = 0

    def __post_init__(self):
        from tests.conftest import session_token

        self.client = self.server.test_client(use_cookies=False)
        # Signed in: an anonymous request is refused before any input is read, which proves nothing.
        self.session = session_token(self.server)

    @contextmanager
    def _capture(self):
        import flask

        caught: list[BaseException] = []

        def record(sender, exception, **extra):
            caught.append(exception)

        logged = _Errors()
        root = logging.getLogger()
        root.addHandler(logged)
        flask.got_request_exception.connect(record, self.server)
        try:
            yield caught, logged.records
        finally:
            flask.got_request_exception.disconnect(record, self.server)
            root.removeHandler(logged)

    def request(self, label: str, method: str, url: str, **kwargs):
        """One request; a status >= 500 (or an exception leaking out of the app) is recorded."""
        self.count += 1
        headers = dict(kwargs.pop("headers", None) or {})
        own = f"cockpit_session={self.session}"
        headers["Cookie"] = f"{headers['Cookie']}; {own}" if headers.get("Cookie") else own
        kwargs["headers"] = headers
        with self._capture() as (caught, logged):
            try:
                resp = self.client.open(url, method=method, **kwargs)
            except Exception as exc:  # the app is in testing mode: the exception propagated
                self._fail(label, None, exc)
                return None
        exceptions = caught + [r.exc_info[1] for r in logged]
        if resp.status_code >= 500:
            self._fail(label, resp.status_code, exceptions[-1] if exceptions else None, resp.get_data(as_text=True))
        elif logged:
            self._fail(f"{label} [answered {resp.status_code}, the server logged an exception]", resp.status_code,
                       exceptions[-1], into=self.failures if self.strict else self.masked)
        return resp

    def _fail(self, label, status, exc, body="", into=None):
        if exc is not None:
            error = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"[:300]
            trace = "".join(traceback.format_exception(exc))
        else:
            error, trace = f"HTTP {status}: {body[:200]!r}", ""
        (self.failures if into is None else into).append(Failure(label, status, error, trace))

    def check(self, label: str, ok: bool, error: str) -> None:
        """A response under 500 that still fails a check (a leaked traceback, no message)."""
        if not ok:
            self.failures.append(Failure(label, None, error))

    def get(self, label, url, **kwargs):
        return self.request(label, "GET", url, **kwargs)

    def post_json(self, label, payload, **kwargs):
        return self.request(label, "POST", UPDATE, data=json.dumps(payload, ensure_ascii=False),
                            content_type="application/json", **kwargs)

    def render(self, label, pathname, search="", drawn=None, **kwargs):
        """The page the router draws for a URL, checked: no 5xx, no traceback, and a 200 that
        draws the page content has Chinese text in it (the page, or a message explaining)."""
        resp = self.post_json(label, router_payload(pathname, search, drawn), **kwargs)
        if resp is not None and resp.status_code < 500:
            check_page_response(self, label, resp)
        return resp

    def report(self, limit: int = 40, failures: list[Failure] | None = None) -> str:
        """The failures grouped by kind, each with its first inputs and one traceback."""
        failures = self.failures if failures is None else failures
        groups: dict[str, list[Failure]] = {}
        for f in failures:
            groups.setdefault(f.kind, []).append(f)
        out = [f"{len(failures)} of {self.count} requests failed, {len(groups)} distinct failure(s):"]
        for kind, items in list(groups.items())[:limit]:
            out.append(f"\n== {items[0].error}  [{len(items)}x]  {kind}")
            for f in items[:3]:
                out.append(f"   - {f.label[:200]}  (status {f.status})")
            lines = [line for line in items[0].trace.strip().splitlines() if line.strip(" ^~")]
            if lines:
                out.append("   " + "\n   ".join(lines[-5:-1]))
        return "\n".join(out)


def check_page_response(probe: Probe, label: str, resp) -> None:
    body = resp.get_data(as_text=True)
    probe.check(label, not LEAK.search(body), f"HTTP {resp.status_code} with a traceback in the body: {body[:200]!r}")
    if resp.status_code != 200:
        return
    try:
        content = json.loads(body).get("response", {}).get("_pages_content")
    except (ValueError, AttributeError):
        probe.check(label, False, f"HTTP 200 whose body is not a callback response: {body[:200]!r}")
        return
    if content is not None:  # None: the page kept what is on screen (no_update)
        text = json.dumps(content, ensure_ascii=False)
        probe.check(label, bool(CJK.search(text)), f"page drawn without any Chinese text: {text[:200]!r}")


def page_text(resp) -> str:
    """The router response's page content as text (Chinese unescaped)."""
    content = json.loads(resp.get_data(as_text=True))["response"].get("_pages_content", {})
    return json.dumps(content, ensure_ascii=False)


# ------------------------------------------------------------------ callback bodies

GARBAGE = {
    "None": None,
    "list": [],
    "dict": {},
    "zero": 0,
    "long": "x" * 10000,
    "dict-list": {"a": [1]},
    "nested": {"a": {"b": {"c": [{"d": None}, [[[]]], "e" * 100, -1e308, True]}}, "props": {"children": [1, {}]},
               "type": "Div", "namespace": "dash_html_components", "points": [{"location": {"x": []}}]},
}


def parse_output(key: str):
    """The renderer's `outputs` for a callback key: a dict for one output, a list for several."""
    def one(part):
        cid, prop = part.rsplit(".", 1)
        return {"id": json.loads(cid) if cid.startswith("{") else cid, "property": prop}

    if key.startswith(".."):
        return [one(p) for p in key.strip(".").split("...")]
    return one(key)


def _wildcard(cid) -> bool:
    return isinstance(cid, dict) and any(isinstance(v, list) for v in cid.values())


def _entry(dep: dict, value) -> dict | list:
    cid = json.loads(dep["id"]) if dep["id"].startswith("{") else dep["id"]
    if _wildcard(cid):  # ALL / ALLSMALLER: the list of matching components, none on this page
        return []
    return {"id": cid, "property": dep["property"], "value": value}


def _prop_id(dep: dict) -> str:
    return f"{dep['id']}.{dep['property']}"


def baseline_value(dep: dict, seen: dict):
    """A plausible value for an input or state: what the rendered pages hold, else a default."""
    key = (dep["id"], dep["property"])
    if key in seen:
        return seen[key]
    return {"pathname": "/", "search": "", "href": "http://localhost/"}.get(dep["property"])


def callback_body(cb: dict, values: list) -> dict:
    """The request the renderer sends for a callback with these input and state values."""
    deps = cb["inputs"] + cb["state"]
    entries = [_entry(d, v) for d, v in zip(deps, values)]
    n = len(cb["inputs"])
    changed = [_prop_id(cb["inputs"][0])] if cb["inputs"] else []
    return {"output": cb["output"], "outputs": parse_output(cb["output"]), "inputs": entries[:n],
            "state": entries[n:], "changedPropIds": changed, "parsedChangedPropsIds": changed}


def callback_cases(deps: list[dict], seen: dict, rng: random.Random) -> list[tuple[str, object]]:
    """(label, body) for every server-side callback: each input and state value replaced by
    garbage in turn, all at once, and bodies of the wrong shape."""
    cases: list[tuple[str, object]] = []
    for cb in deps:
        if cb.get("clientside_function"):
            continue
        name = cb["output"].split("@")[0][:60]
        slots = cb["inputs"] + cb["state"]
        base = [baseline_value(d, seen) for d in slots]
        cases.append((f"{name} baseline", callback_body(cb, base)))
        for i, dep in enumerate(slots):
            for gname, garbage in GARBAGE.items():
                values = list(base)
                values[i] = garbage
                cases.append((f"{name} {_prop_id(dep)}={gname}", callback_body(cb, values)))
        for gname in rng.sample(sorted(GARBAGE), 3):
            cases.append((f"{name} every value={gname}", callback_body(cb, [GARBAGE[gname]] * len(slots))))
        good = callback_body(cb, base)
        mangled = {
            "no inputs": {k: v for k, v in good.items() if k != "inputs"},
            "no state": {k: v for k, v in good.items() if k != "state"},
            "no outputs": {k: v for k, v in good.items() if k != "outputs"},
            "inputs {}": {**good, "inputs": {}},
            "inputs null": {**good, "inputs": None},
            "inputs str": {**good, "inputs": "x"},
            "inputs short": {**good, "inputs": good["inputs"][:-1]},
            "inputs without value": {**good, "inputs": [{k: v for k, v in e.items() if k != "value"}
                                                        if isinstance(e, dict) else e for e in good["inputs"]]},
            "inputs [[]]": {**good, "inputs": [[] for _ in good["inputs"]]},
            "state {}": {**good, "state": {}},
            "outputs unknown": {**good, "outputs": {"id": "no-such-component", "property": "children"}},
            "outputs []": {**good, "outputs": []},
            "outputs garbage": {**good, "outputs": [{"a": 1}, None, 3]},
            "output unknown": {**good, "output": "no-such-component.children"},
            "output null": {**good, "output": None},
            "output list": {**good, "output": ["x"]},
            "changedPropIds garbage": {**good, "changedPropIds": [None, 1, {}, "no.such"]},
            "changedPropIds str": {**good, "changedPropIds": "abc"},
        }
        cases.extend((f"{name} {label}", body) for label, body in mangled.items())
    return cases


# Whole bodies that are no callback at all: (label, raw bytes, content type).
RAW_BODIES = [
    ("[] body", b"[]", "application/json"),
    ("{} body", b"{}", "application/json"),
    ("null body", b"null", "application/json"),
    ("number body", b"42", "application/json"),
    ("string body", b'"output"', "application/json"),
    ("empty body", b"", "application/json"),
    ("invalid JSON", b'{"output": ', "application/json"),
    ("invalid UTF-8", b'{"output": "\xff\xfe"}', "application/json"),
    ("NaN JSON", b'{"output": NaN, "inputs": [Infinity]}', "application/json"),
    ("deep nesting", b"[" * 5000 + b"]" * 5000, "application/json"),
    ("router body as text/plain", None, "text/plain"),
    ("router body as form", None, "application/x-www-form-urlencoded"),
    ("router body without content type", None, None),
    ("router body as multipart", None, "multipart/form-data; boundary=x"),
]


# ------------------------------------------------------------------ URLs and cookies

REGION_SEGMENTS = [
    "520000", "520100", "520300", "520102", "99999999999999999999999", "-1", "0", "520300.5", "1e309", "nan",
    "abc", "", "%00", "%ff", "%E4%B8%AD", "贵阳", "..", "../..", "520100/extra", " 520100", "520100%20",
    "0x7fffffff", "9" * 400, "' OR 1=1 --", "<script>alert(1)</script>", "\x00", "🙂",
]
PATHS = [
    "/", "/chains", "/region", "/region/", "/chains/", "/CHAINS", "//", "/region//520100", "/./region/520100",
    "/region/520100/..", "/../../etc/passwd", "/%2e%2e/%2e%2e", "/nope", "/health/../", "/_dash-layout",
    "/assets/../app.py", "/中文/路径", "/%zz", "/%", "/region/%00", "/\x00", "/" + "a" * 5000,
    "/" + "/".join(["x"] * 300),
]
QUERY_KEYS = ["from", "to", "channel", "origin", "industry", "region", "link", "measure", "period",
              "adcode", "drawn_view", "unknown", "", "from[]", "中文键", "__proto__"]
VALUES = [
    "", "2024-01-01", "2024-02-30", "2024-13-01", "2024-1-1", "20240101", "0001-01-01", "0001-12-31",
    "0000-01-01", "9999-12-31", "9999-01-01", "10000-01-01", "1900-01-01", "-2024-01-01", "2024-01-01T00:00",
    "99999999999999999999999", "-1", "0", "1e309", "nan", "inf", "-inf", "true", "null", "[]", "{}",
    "深圳", "驻点招商", "以商招商", "BIG_DATA", "NEW_ENERGY_VEHICLE", "贵阳市", "520100", "520300",
    "'; DROP TABLE project; --", "1' OR '1'='1", "%", "%25", "%00", "\x00", "\u202e\u200b", "🙂" * 30,
    "<img src=x onerror=alert(1)>", "../../etc/passwd", "a" * 10240, "深" * 3000, " ", "\t\n",
    "contract", "projects", "funding", "coverage", "this_year", "last_year", "all", "custom",
]
COOKIE_VALUES = ["nan", "NaN", "inf", "-inf", "-1", "0", "1e309", "-1e309", "1920", "3840", "3840.5", "1e-320",
                 "", "x" * 4000, "9" * 4000, "0x10", "1_000", " 2000 ", "深圳", "\"1920\"", "1920; other=1"]


def random_path(rng: random.Random) -> str | None:
    roll = rng.random()
    if roll < 0.35:
        return rng.choice(PATHS)
    if roll < 0.7:
        return "/region/" + rng.choice(REGION_SEGMENTS)
    segments = []
    for _ in range(rng.randint(1, 4)):
        kind = rng.random()
        if kind < 0.3:
            segments.append("".join(rng.choice("abc%0123456789./-_") for _ in range(rng.randint(1, 12))))
        elif kind < 0.5:
            segments.append("".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(rng.randint(1, 6))))
        elif kind < 0.7:
            segments.append(quote(bytes(rng.randint(0, 255) for _ in range(rng.randint(1, 8)))))
        else:
            segments.append(rng.choice(REGION_SEGMENTS + ["region", "chains", ".."]))
    return "/" + "/".join(segments)


def random_search(rng: random.Random) -> str:
    """A query string: known and unknown keys, repeated keys, each with a hostile value."""
    roll = rng.random()
    if roll < 0.05:
        return ""
    if roll < 0.1:
        return rng.choice(["?", "??", "?&&&", "?=", "?from", "?from=&to=", "?%zz=%zz", "?a=1&&b", "?" + "&" * 500,
                           "from=2024-01-01", "?from=2024-01-01#x", "?" + "k=v&" * 300])
    pairs = []
    for _ in range(rng.randint(1, 4)):
        key = rng.choice(QUERY_KEYS)
        for _ in range(2 if rng.random() < 0.15 else 1):  # a repeated key
            pairs.append((key, rng.choice(VALUES)))
    return "?" + urlencode(pairs)


def random_cookie(rng: random.Random) -> str:
    """A Cookie header: the screen-width cookie with a hostile value, often among others."""
    parts = [f"cockpit_vw={rng.choice(COOKIE_VALUES)}"]
    if rng.random() < 0.4:
        parts.append(rng.choice(["session=abc", "cockpit_vw=3840", "=", ";;", "a=b=c", "x", "cockpit_vw",
                                 "深圳=1", "_dash_theme=dark", "b=" + "z" * 2000]))
        rng.shuffle(parts)
    return "; ".join(parts)


def get_url(path: str | None) -> str:
    """A path as a client would put it on the request line (never raises)."""
    return quote(path or "/", safe="/%:@!$&'()*+,;=-._~")
