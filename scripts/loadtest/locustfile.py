"""The cockpit under load (issue 16, "Load held"): Locust users as the cockpit's users behave.

Run by scripts/loadtest/run.py, which makes the database, the accounts, the gunicorn and this
file's world (LOADTEST_WORLD: a JSON file of accounts and regions). Three kinds of user, each a
distinct signed-in account (one session per simulated user, as in life):

- leader   (viewer of the province or of a city): opens the default overview of their region or
           of one of its cities, the views the prewarm keeps cached; "leader cached view";
           every 15-45 s.
- official (analyst of a city or a county): drills in their region (its default view, or a
           county below a city: "official drill"), and asks for new filters, a random period,
           招商方式 and 产业 (router, then the panels, as the browser does: "official new filters"
           and "official new filters panels"). Over the per-user budget the page says
           请求过于频繁 (counted, not a failure: that is the limit working).
- wall     (a viewer's screen): polls /api/data-version ("wall data-version") every minute,
           as the wall player and open pages do.
Officials act every 10-30 s. The pace is a guess at people reading a screen before the next
click; 200 users offer about 11 requests a second, 3 of them new filter sets (each with its panels).

Every response is checked for data outside the user's scope (cockpit_requests.Scope): the adcode
of a city or county the user may not see (neither in their subtree nor above them), or its full
name unless the data uses that name for something else too (investors' origin cities, offered
to everyone in the 客商来源 filter, and firms' names: run.py lists them). A hit is a
failure named "scope leak"; the count is written to LOADTEST_RESULT with the per-class 5xx and
rate-limited counts when the run ends.
"""
from __future__ import annotations

import json
import os
import random
import threading
from datetime import date, timedelta

from locust import HttpUser, between, events, task

from cockpit_requests import LIMITED_TEXT, UPDATE, Scope, find_prop, router_payload

WORLD = json.loads(open(os.environ["LOADTEST_WORLD"], encoding="utf-8").read())
RESULT = os.environ.get("LOADTEST_RESULT")
REGIONS = {int(k): v for k, v in WORLD["regions"].items()}  # adcode -> {name, level, parent}
AMBIGUOUS = frozenset(WORLD["ambiguous"])  # region names that also name investors' origins or firms
FIRST_DAY, LAST_DAY = date.fromisoformat(WORLD["first_day"]), date.fromisoformat(WORLD["last_day"])

_lock = threading.Lock()
_next = {kind: 0 for kind in WORLD["accounts"]}
counts = {"scope_leaks": 0, "scope_checked": 0, "limited": {}, "status_5xx": {}, "requests": {}, "leaks": []}


def take_account(kind: str) -> dict:
    """The next unused account of a kind: no two simulated users share a session."""
    with _lock:
        pool = WORLD["accounts"][kind]
        if _next[kind] >= len(pool):
            raise RuntimeError(f"more {kind} users than accounts ({len(pool)}): raise --users in run.py")
        account = pool[_next[kind]]
        _next[kind] += 1
        return account


def bump(table: str, name: str) -> None:
    with _lock:
        counts[table][name] = counts[table].get(name, 0) + 1


class CockpitUser(HttpUser):
    abstract = True
    kind = ""

    def on_start(self) -> None:
        account = take_account(self.kind)
        self.region = account["region"]
        self.client.cookies.set(WORLD["cookie"], account["token"])
        self.scope = Scope(REGIONS, self.region, AMBIGUOUS)

    # ---------------------------------------------------------------- requests, each one checked

    def request(self, method: str, url: str, name: str, **kwargs):
        # nginx's proxy_read_timeout (deploy/nginx.conf) is what a browser would wait at most.
        kwargs.setdefault("timeout", 65)
        with self.client.request(method, url, name=name, catch_response=True, **kwargs) as resp:
            bump("requests", name)
            body = resp.text or ""
            if resp.status_code >= 500:
                bump("status_5xx", name)
                resp.failure(f"{resp.status_code}")
                return None
            if resp.status_code not in (200, 204):
                resp.failure(f"{resp.status_code}: {body[:200]}")
                return None
            leak = self.leak_in(body)
            if leak:
                with _lock:
                    counts["scope_leaks"] += 1
                    if len(counts["leaks"]) < 20:
                        counts["leaks"].append({"user_region": self.region, "url": url, "name": name, "found": leak})
                resp.failure(f"scope leak: {leak}")
                return None
            if LIMITED_TEXT in body:
                bump("limited", name)
            resp.success()
            return body

    def leak_in(self, body: str) -> str | None:
        with _lock:
            counts["scope_checked"] += 1
        return self.scope.leak_in(body)

    def view(self, pathname: str, search: str, name: str) -> dict | None:
        body = self.request("POST", UPDATE, name, json=router_payload(pathname, search))
        return json.loads(body) if body else None

    @staticmethod
    def path_of(adcode: int) -> str:
        return "/" if REGIONS[adcode]["level"] == "province" else f"/region/{adcode}"


class Leader(CockpitUser):
    """A leader glances at the prewarmed views: their region's, or one of its cities'."""
    kind = "leader"
    weight = 3
    wait_time = between(15, 45)  # reads a view before the next

    @task
    def cached_view(self) -> None:
        cities = self.scope.children("city")
        target = self.region if random.random() < 0.5 or not cities else random.choice(cities)
        self.view(self.path_of(target), "", "leader cached view")


class Official(CockpitUser):
    """A city or county official drilling and filtering in their own region."""
    kind = "official"
    weight = 5
    wait_time = between(10, 30)

    def on_start(self) -> None:
        super().on_start()
        self.panels_output = None

    @task(2)
    def drill(self) -> None:
        below = self.scope.children("county")
        target = random.choice(below) if below and random.random() < 0.7 else self.region
        self.view(self.path_of(target), "", "official drill")

    @task(3)
    def new_filters(self) -> None:
        start = FIRST_DAY + timedelta(days=random.randrange((LAST_DAY - FIRST_DAY).days - 30))
        end = min(LAST_DAY, start + timedelta(days=random.randrange(30, 3 * 365)))
        query = f"?from={start}&to={end}"
        if random.random() < 0.5:
            query += f"&channel={random.choice(WORLD['channels'])}"
        if random.random() < 0.5:
            query += f"&industry={random.choice(WORLD['industries'])}"
        response = self.view(self.path_of(self.region), query, "official new filters")
        drawn = find_prop(response, "ov-drawn", "data") if response else None
        if drawn is None:
            return  # refused (over the budget) or a message: nothing to draw panels for
        output = self.panels()
        if output is None:
            return
        key, outputs = output
        self.request("POST", UPDATE, "official new filters panels", json={
            "output": key, "outputs": outputs,
            "inputs": [{"id": "ov-drawn", "property": "data", "value": drawn}],
            "state": [{"id": "ov-panels-drawn", "property": "data", "value": None},
                      {"id": "ov-funnel-measure", "property": "value", "value": "projects"}],
            "changedPropIds": ["ov-drawn.data"], "parsedChangedPropsIds": ["ov-drawn.data"]})

    def panels(self):
        """The panels callback's output key, as /_dash-dependencies names it (once per user)."""
        if self.panels_output is None:
            body = self.request("GET", "/_dash-dependencies", "official dependencies")
            if not body:
                return None
            for dep in json.loads(body):
                if dep["output"].lstrip(".").startswith("ov-panels-drawn.data"):
                    outputs = []
                    for part in dep["output"].strip(".").split("..."):
                        cid, prop = part.rsplit(".", 1)
                        outputs.append({"id": json.loads(cid) if cid.startswith("{") else cid, "property": prop})
                    self.panels_output = (dep["output"], outputs)
                    break
        return self.panels_output


class Wall(CockpitUser):
    """A wall screen asking whether the data changed."""
    kind = "wall"
    weight = 2
    wait_time = between(55, 65)  # COCKPIT_WALL_POLL_SECONDS (60 s), as the wall player asks

    @task
    def data_version(self) -> None:
        self.request("GET", "/api/data-version", "wall data-version")


@events.quitting.add_listener
def write_result(environment, **_kwargs) -> None:
    if RESULT:
        with _lock, open(RESULT, "w", encoding="utf-8") as out:
            json.dump(counts, out, ensure_ascii=False, indent=1)
