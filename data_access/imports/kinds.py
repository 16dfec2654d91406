"""Row builders, one per kind: a parsed row → what it does to its table, or its row errors.

Each builder resolves its rows against the database (known keys, projects, enterprises), the
importer's scope and the cross-field rules the schema enforces, so the database never sees a
row it would refuse. Policy for a known key: the file's non-empty cells overwrite, empty
cells keep the stored value (catalogue.UPDATE_POLICY).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Connection, select

from ..models import AnnualTarget, Enterprise, Funding, Inspection, Lead, Project, Visit
from ..vocab import STATUS_BUILDING, STATUS_PRODUCING, STATUS_SIGNED, STATUS_TERMINATED
from .catalogue import KINDS, KindSpec
from .lookup import Origin, Reference
from .results import Change, RowError
from .values import raw_text

CHUNK = 900  # values per IN list (SQLite allows 32k parameters; keep statements small anyway)
OUT_OF_SCOPE = "不在您的管辖范围"


@dataclass(slots=True)
class Row:
    number: int
    cells: list                       # the cells as typed
    where: dict[str, int]             # field → index of its cell (shared by the rows of a file)
    values: dict[str, object]         # field → parsed value (non-empty cells only)
    headers: dict[str, str]           # field → header as written in the file (shared)
    errors: list[RowError] = field(default_factory=list)
    bad: set[str] = field(default_factory=set)  # fields whose cell could not be read

    def raw(self, fld: str):
        i = self.where.get(fld)
        return self.cells[i] if i is not None and i < len(self.cells) else None

    def error(self, fld: str, reason: str, spec: KindSpec) -> None:
        header = self.headers.get(fld) or spec.column(fld).header
        self.errors.append(RowError(self.number, header, raw_text(self.raw(fld)), reason))

    def has(self, fld: str) -> bool:
        return fld in self.values


@dataclass(frozen=True)
class NewEnterprise:
    """An enterprise the import creates; replaced by its id when written."""
    name: str


@dataclass
class Outcome:
    row: int
    action: str
    table: str
    key: str
    name: str
    record: dict                      # insert: every column; update: the changed ones
    pk: dict | None = None            # the stored row's primary key
    before: dict | None = None        # the stored row (updates)
    fields: tuple[str, ...] = ()

    def change(self) -> Change:
        return Change(self.row, self.action, self.key, self.name, self.fields)


def load_in(conn: Connection, stmt, column, values) -> list:
    values = list(values)
    out = []
    for i in range(0, len(values), CHUNK):
        out += conn.execute(stmt.where(column.in_(values[i:i + CHUNK]))).mappings().all()
    return out


def natural_key(*parts) -> str:
    """A stable source_key for a record without a platform id (visits, inspections, leads)."""
    text = "\x1f".join("" if p is None else str(p) for p in parts)
    return "h:" + hashlib.sha256(text.encode()).hexdigest()[:40]


class Builder:
    """Shared machinery: the scope, enterprises found or created by name, comparison."""

    kind: str

    def __init__(self, conn: Connection, ref: Reference, scope: frozenset[int] | None, today: date):
        self.conn, self.ref, self.scope, self.today = conn, ref, scope, today
        self.spec = KINDS[self.kind]
        self.enterprises: dict[str, dict] = {}       # known in the database, by name
        self.new_enterprises: dict[str, dict] = {}   # made by this import, by name

    def in_scope(self, county: int | None) -> bool:
        if self.scope is None:
            return True
        return county is not None and county in self.scope

    def load_enterprises(self, names) -> None:
        stmt = select(Enterprise.id, Enterprise.name, Enterprise.origin_province, Enterprise.origin_city,
                      Enterprise.source_region, Enterprise.quality_tags)
        self.enterprises = {r["name"]: dict(r) for r in load_in(self.conn, stmt, Enterprise.name, set(names))}

    def enterprise(self, row: Row, name_field: str, origin: Origin | None, *, tags: int = 0,
                   ownership: str | None = None):
        """The id of an enterprise by name, or a NewEnterprise (needs an origin)."""
        name = row.values[name_field]
        if name in self.enterprises:
            return self.enterprises[name]["id"]
        if name not in self.new_enterprises:
            if origin is None:
                if "origin" not in row.bad:
                    row.error("origin", f"新企业「{name}」须填写所在地", self.spec)
                return None
            if ownership is None:
                ownership = "外资" if origin.source_region == "境外" and origin.province != "台湾省" else (
                    "港澳台" if origin.province in ("香港特别行政区", "澳门特别行政区", "台湾省") else "民营")
            self.new_enterprises[name] = {"name": name, "origin_province": origin.province,
                                          "origin_city": origin.city, "source_region": origin.source_region,
                                          "ownership": ownership, "quality_tags": tags}
        return NewEnterprise(name)

    def enterprise_origin(self, name: str) -> Origin | None:
        e = self.enterprises.get(name) or self.new_enterprises.get(name)
        return Origin(e["origin_province"], e["origin_city"], e["source_region"]) if e else None

    def require(self, row: Row, fields: tuple[str, ...], what: str = "新记录") -> bool:
        ok = True
        for f in fields:
            if f not in row.values and f not in row.bad:
                col = self.spec.column(f)
                row.errors.append(RowError(row.number, row.headers.get(f) or col.header, "", f"{what}必须填写「{col.header}」"))
                ok = False
        return ok and not (set(fields) & row.bad)

    def compare(self, row: Row, table: str, key: str, name: str, record: dict, existing: dict | None,
                pk_cols: tuple[str, ...], labels: dict[str, str]) -> Outcome:
        if existing is None:
            return Outcome(row.number, "insert", table, key, name, record)
        changed = {c: v for c, v in record.items() if existing.get(c) != v}
        pk = {c: existing[c] for c in pk_cols}
        if not changed:
            return Outcome(row.number, "unchanged", table, key, name, {}, pk)
        names = tuple(dict.fromkeys(labels.get(c, c) for c in changed))
        return Outcome(row.number, "update", table, key, name, changed, pk, existing, names)

    def header(self, fld: str) -> str:
        return self.spec.column(fld).header

    def duplicate(self, row: Row, seen: dict, key, fld: str, label: str) -> bool:
        if key in seen:
            row.error(fld, f"{label}在第 {seen[key]} 行和第 {row.number} 行重复", self.spec)
            return True
        seen[key] = row.number
        return False

    def county_checks(self, row: Row, county: int | None, fld: str = "county_adcode") -> bool:
        if county is None:
            if self.scope is not None:
                row.error(fld, "县(市、区)为空即省级记录，只有省级数据管理员可以导入", self.spec)
                return False
            return True
        if not self.in_scope(county):
            row.error(fld, f"「{self.ref.places[county].name}」{OUT_OF_SCOPE}", self.spec)
            return False
        return True

    def city(self, county: int | None) -> int | None:
        return None if county is None else self.ref.places[county].parent


# ------------------------------------------------------------------ projects

PROJECT_LABELS = {
    "city_adcode": "县(市、区)", "enterprise_id": "投资方", "origin_province": "投资方所在地(省/市)",
    "origin_city": "投资方所在地(省/市)",
}
PROJECT_COLUMNS = [c.name for c in Project.__table__.columns if c.name != "id"]
DATE_FIELDS = ("signed_on", "started_on", "production_on", "terminated_on")


def derived_status(r: dict) -> str:
    if r.get("terminated_on"):
        return STATUS_TERMINATED
    if r.get("production_on"):
        return STATUS_PRODUCING
    if r.get("started_on"):
        return STATUS_BUILDING
    return STATUS_SIGNED


class Projects(Builder):
    kind = "projects"

    def prepare(self, rows: list[Row]) -> None:
        codes = {r.values["code"] for r in rows if "code" in r.values}
        self.existing = {r["code"]: dict(r) for r in load_in(self.conn, select(Project.__table__), Project.code, codes)}
        # Investors' names apart (no join): each statement stays a plain index lookup.
        investor = {r["id"]: r["name"] for r in load_in(self.conn, select(Enterprise.id, Enterprise.name), Enterprise.id,
                                                        {p["enterprise_id"] for p in self.existing.values()})}
        for p in self.existing.values():
            p["investor_name"] = investor[p["enterprise_id"]]
        names = {r.values["investor"] for r in rows if "investor" in r.values}
        self.load_enterprises(names | set(investor.values()))
        self.seen: dict = {}
        labels = {c.field: c.header for c in self.spec.columns}
        self.labels = {**labels, **PROJECT_LABELS}

    def build(self, row: Row) -> Outcome | None:
        v, spec = row.values, self.spec
        if "code" not in v:
            if "code" not in row.bad:
                row.error("code", "项目编号不能为空", spec)
            return None
        code = v["code"]
        if self.duplicate(row, self.seen, code, "code", f"项目编号「{code}」"):
            return None
        old = self.existing.get(code)
        if old is not None and not self.in_scope(old["county_adcode"]):
            row.error("code", f"项目「{code}」{OUT_OF_SCOPE}", spec)
            return None
        if old is None:
            need = ("name", "investor", "industry_code", "channel", "contract_yuan", "signed_on")
            self.require(row, need, "新项目")
            if "county_adcode" not in v and "park_id" not in v and not {"county_adcode", "park_id"} & row.bad:
                row.error("county_adcode", "新项目必须填写「县(市、区)」或「园区」", spec)
        if row.errors:
            return None
        rec = {c: (old or {}).get(c) for c in PROJECT_COLUMNS}
        for f in ("code", "name", "industry_code", "chain_action", "channel", "contract_yuan", "signed_on",
                  "planned_start_on", "started_on", "planned_production_on", "production_on", "terminated_on",
                  "responsible_unit", "updated_on", "expected_output_yuan", "expected_jobs", "expected_tax_yuan",
                  "quality_tags", "is_industrial"):
            if f in v:
                rec[f] = v[f]
        # The investor, its origin and standing as recorded on the project.
        investor = v.get("investor") or old["investor_name"]
        origin = v.get("origin")
        new_investor = old is None or investor != old["investor_name"]
        if origin is None and new_investor:
            origin = self.enterprise_origin(investor)
        known = self.enterprises.get(investor)
        if "investor" in v:
            rec["enterprise_id"] = self.enterprise(row, "investor", origin, tags=v.get("quality_tags", 0),
                                                   ownership=v.get("ownership"))
        if row.errors:
            return None
        if origin is not None:
            rec["origin_province"], rec["origin_city"], rec["source_region"] = origin.province, origin.city, \
                origin.source_region
        if "source_region" in v:
            rec["source_region"] = v["source_region"]
        if old is None and "quality_tags" not in v:
            rec["quality_tags"] = known["quality_tags"] if known else 0
        # Industry and chain link: a link belongs to its industry.
        if "chain_link_id" in v:
            try:
                rec["chain_link_id"] = self.ref.chain_link(v["chain_link_id"], rec["industry_code"])
            except ValueError as exc:
                row.error("chain_link_id", str(exc), spec)
        elif rec["chain_link_id"] is not None and self.ref.links[rec["chain_link_id"]][0] != rec["industry_code"]:
            row.error("industry_code", "行业已改变，原产业链环节不属于新行业：请同时填写产业链环节", spec)
        # County and park: a park names its county.
        county = v.get("county_adcode")
        if "park_id" in v:
            park_name, park_county = self.ref.parks[v["park_id"]]
            if county is not None and county != park_county:
                row.error("park_id", f"园区「{park_name}」位于{self.ref.places[park_county].name}，"
                                     f"与所填县(市、区)「{self.ref.places[county].name}」不符", spec)
                return None
            rec["park_id"], county = v["park_id"], park_county
        if county is not None:
            rec["county_adcode"] = county
            if "park_id" not in v and rec["park_id"] is not None and self.ref.parks[rec["park_id"]][1] != county:
                row.error("county_adcode", f"项目原在园区「{self.ref.parks[rec['park_id']][0]}」，不在所填县区：请同时填写园区", spec)
        rec["city_adcode"] = self.city(rec["county_adcode"])
        if not self.in_scope(rec["county_adcode"]):
            row.error("county_adcode" if "county_adcode" in v else "park_id",
                      f"「{self.ref.places[rec['county_adcode']].name}」{OUT_OF_SCOPE}", spec)
        if "is_industrial" not in v and old is None:
            rec["is_industrial"] = rec["industry_code"] in self.ref.key_industries
        self._dates(row, rec)
        if "status" in v:
            rec["status"] = v["status"]
            self._status(row, rec)
        elif old is None or set(DATE_FIELDS) & set(v):
            rec["status"] = derived_status(rec)
        if row.errors:
            return None
        return self.compare(row, "project", code, rec["name"], rec, old, ("id",), self.labels)

    def _dates(self, row: Row, r: dict) -> None:
        spec = self.spec
        if r["started_on"] and r["started_on"] < r["signed_on"]:
            row.error("started_on" if row.has("started_on") else "signed_on",
                      f"开工日期（{r['started_on']}）早于签约日期（{r['signed_on']}）", spec)
        if r["production_on"] and not r["started_on"]:
            row.error("production_on", "有投产日期但没有开工日期", spec)
        elif r["production_on"] and r["production_on"] < r["started_on"]:
            row.error("production_on" if row.has("production_on") else "started_on",
                      f"投产日期（{r['production_on']}）早于开工日期（{r['started_on']}）", spec)
        if r["terminated_on"] and r["terminated_on"] < r["signed_on"]:
            row.error("terminated_on" if row.has("terminated_on") else "signed_on",
                      f"终止日期（{r['terminated_on']}）早于签约日期（{r['signed_on']}）", spec)

    def _status(self, row: Row, r: dict) -> None:
        s, reason = r["status"], None
        if (s == STATUS_TERMINATED) != bool(r["terminated_on"]):
            reason = "项目状态为 已终止 须有终止日期" if s == STATUS_TERMINATED else "有终止日期的项目状态应为 已终止"
        elif s == STATUS_PRODUCING and not r["production_on"]:
            reason = "项目状态为 已投产 但没有投产日期"
        elif s == STATUS_BUILDING and not r["started_on"]:
            reason = "项目状态为 在建 但没有开工日期"
        elif s == STATUS_BUILDING and r["production_on"]:
            reason = "已有投产日期，项目状态应为 已投产"
        elif s == STATUS_SIGNED and r["started_on"]:
            reason = f"已有开工日期，项目状态应为 {derived_status(r)}"
        if reason:
            row.error("status", reason, self.spec)


# ------------------------------------------------------------------ funding

class FundingRows(Builder):
    kind = "funding"

    def prepare(self, rows: list[Row]) -> None:
        codes = {r.values["code"] for r in rows if "code" in r.values}
        stmt = select(Project.id, Project.code, Project.county_adcode, Project.city_adcode, Project.signed_on,
                      Project.terminated_on)
        self.projects = {r["code"]: dict(r) for r in load_in(self.conn, stmt, Project.code, codes)}
        ids = [p["id"] for p in self.projects.values()]
        self.stored: dict[tuple, list[dict]] = {}
        for r in load_in(self.conn, select(Funding.__table__), Funding.project_id, ids):
            self.stored.setdefault((r["project_id"], r["received_on"]), []).append(dict(r))
        self.seen: dict = {}

    def build(self, row: Row) -> Outcome | None:
        v, spec = row.values, self.spec
        if "code" not in v:
            if "code" not in row.bad:
                row.error("code", "项目编号不能为空", spec)
            return None
        project = self.projects.get(v["code"])
        if project is None:
            row.error("code", f"项目编号「{v['code']}」不存在（到位资金只能记到已导入的项目：请先导入项目台账）", spec)
            return None
        if not self.in_scope(project["county_adcode"]):
            row.error("code", f"项目「{v['code']}」{OUT_OF_SCOPE}", spec)
            return None
        if not self.require(row, ("received_on", "amount_yuan"), "到位资金"):
            return None
        if v["received_on"] < project["signed_on"]:
            row.error("received_on", f"到位日期早于项目签约日期（{project['signed_on']}）", spec)
            return None
        key = (project["id"], v["received_on"])
        if self.duplicate(row, self.seen, key, "received_on", f"项目「{v['code']}」{v['received_on']} 的到位资金"):
            return None
        rec = {"project_id": project["id"], "county_adcode": project["county_adcode"],
               "city_adcode": project["city_adcode"], "received_on": v["received_on"], "amount_yuan": v["amount_yuan"]}
        stored = self.stored.get(key, [])
        label = f"{v['code']} {v['received_on']}"
        if len(stored) > 1:
            if sum(s["amount_yuan"] for s in stored) == v["amount_yuan"]:
                return Outcome(row.number, "unchanged", "funding", label, v["code"], {}, {"id": stored[0]["id"]})
            row.error("received_on", "数据库中该项目在该日有多笔到位资金，无法按日期更新：请联系系统管理员", spec)
            return None
        return self.compare(row, "funding", label, v["code"], rec, stored[0] if stored else None, ("id",),
                            {"amount_yuan": self.header("amount_yuan")})


# ------------------------------------------------------------------ visits and inspections

class Activity(Builder):
    """Visits and inspections: keyed by the platform's record id, else by their natural key."""

    model: type
    date_field: str

    def prepare(self, rows: list[Row]) -> None:
        self.keys = {r.number: self.key_of(r) for r in rows}
        stmt = select(self.model.__table__)
        self.existing = {r["source_key"]: dict(r) for r in
                         load_in(self.conn, stmt, self.model.source_key, {k for k in self.keys.values() if k})}
        self.load_enterprises({r.values["party"] for r in rows if "party" in r.values})
        self.seen: dict = {}

    def key_of(self, row: Row) -> str | None:
        v = row.values
        if "record_id" in v:
            return "id:" + v["record_id"]
        if row.bad or not {self.date_field, "party", "team"} <= set(v):
            return None
        return natural_key(self.kind, v[self.date_field], v.get("kind"), v["party"], v["team"], v.get("county_adcode"))

    def start(self, row: Row) -> tuple[str, dict | None] | None:
        v = row.values
        old_key = self.keys[row.number]
        if old_key is None:
            self.require(row, (self.date_field, "party", "team"))
            return None
        if self.duplicate(row, self.seen, old_key, "record_id" if "record_id" in v else self.date_field,
                          "同一条记录"):
            return None
        old = self.existing.get(old_key)
        if old is not None and not self.in_scope(old["county_adcode"]):
            row.error("record_id" if "record_id" in v else "county_adcode", f"该记录{OUT_OF_SCOPE}", self.spec)
            return None
        if old is None:
            self.require(row, (self.date_field, "party", "team", "channel") + (("kind",) if self.kind == "visits" else ()))
        county = v.get("county_adcode", old["county_adcode"] if old else None)
        if not self.county_checks(row, county):
            return None
        return old_key, old

    def labels(self) -> dict[str, str]:
        out = {c.field: c.header for c in self.spec.columns}
        out |= {"enterprise_id": self.header("party"), "association_name": self.header("party"),
                "location_province": self.header("origin"), "location_city": self.header("origin"),
                "city_adcode": self.header("county_adcode")}
        return out


class Visits(Activity):
    kind, model, date_field = "visits", Visit, "visited_on"

    def build(self, row: Row) -> Outcome | None:
        started = self.start(row)
        if started is None or row.errors:
            return None
        key, old = started
        v = row.values
        rec = {c: (old or {}).get(c) for c in ("visited_on", "kind", "team", "channel", "county_adcode", "city_adcode",
                                                 "enterprise_id", "association_name", "location_province",
                                                 "location_city")}
        for f in ("visited_on", "kind", "team", "channel", "county_adcode"):
            if f in v:
                rec[f] = v[f]
        rec["city_adcode"] = self.city(rec["county_adcode"])
        origin = v.get("origin")
        if "party" in v:
            if rec["kind"] == "enterprise":
                origin = origin or self.enterprise_origin(v["party"])
                rec["enterprise_id"], rec["association_name"] = self.enterprise(row, "party", origin), None
            else:
                rec["enterprise_id"], rec["association_name"] = None, v["party"]
                if origin is None and old is None:
                    row.error("origin", "新商协会须填写所在地", self.spec)
        if origin is not None:
            rec["location_province"], rec["location_city"] = origin.province, origin.city
        rec["source_key"] = key
        if row.errors:
            return None
        before = old and {**old, "enterprise_id": None if isinstance(rec["enterprise_id"], NewEnterprise) else old["enterprise_id"]}
        return self.compare(row, "visit", v.get("record_id") or f"{rec['visited_on']} {v.get('party', '')}",
                            v.get("party", ""), rec, before, ("id",), self.labels())


class Inspections(Activity):
    kind, model, date_field = "inspections", Inspection, "inspected_on"

    def build(self, row: Row) -> Outcome | None:
        started = self.start(row)
        if started is None or row.errors:
            return None
        key, old = started
        v = row.values
        rec = {c: (old or {}).get(c) for c in ("inspected_on", "enterprise_id", "team", "channel", "county_adcode",
                                                 "city_adcode")}
        for f in ("inspected_on", "team", "channel", "county_adcode"):
            if f in v:
                rec[f] = v[f]
        rec["city_adcode"] = self.city(rec["county_adcode"])
        if "party" in v:
            rec["enterprise_id"] = self.enterprise(row, "party", v.get("origin") or self.enterprise_origin(v["party"]))
        rec["source_key"] = key
        if row.errors:
            return None
        before = old and {**old, "enterprise_id": None if isinstance(rec["enterprise_id"], NewEnterprise) else old["enterprise_id"]}
        return self.compare(row, "inspection", v.get("record_id") or f"{rec['inspected_on']} {v.get('party', '')}",
                            v.get("party", ""), rec, before, ("id",), self.labels())


# ------------------------------------------------------------------ annual targets

class Targets(Builder):
    kind = "targets"

    def prepare(self, rows: list[Row]) -> None:
        self.existing = {(r["region_adcode"], r["year"]): dict(r)
                         for r in self.conn.execute(select(AnnualTarget.__table__)).mappings()}
        self.seen: dict = {}

    def build(self, row: Row) -> Outcome | None:
        v, spec = row.values, self.spec
        if not self.require(row, ("region_adcode", "year"), "目标"):
            return None
        region, year = v["region_adcode"], v["year"]
        name = self.ref.places[region].name
        if self.duplicate(row, self.seen, (region, year), "region_adcode", f"「{name}」{year} 年的目标"):
            return None
        if self.scope is not None and not self.ref.counties_of(region) <= self.scope:
            row.error("region_adcode", f"「{name}」{OUT_OF_SCOPE}", spec)
            return None
        old = self.existing.get((region, year))
        if old is None:
            self.require(row, ("contract_yuan", "funds_yuan", "projects"), "新目标")
        if row.errors:
            return None
        rec = {"region_adcode": region, "year": year}
        for f in ("contract_yuan", "funds_yuan", "projects"):
            rec[f] = v.get(f, (old or {}).get(f))
        return self.compare(row, "annual_target", f"{name} {year}", name, rec, old, ("region_adcode", "year"),
                            {c.field: c.header for c in spec.columns})


# ------------------------------------------------------------------ leads

class Leads(Builder):
    kind = "leads"

    def prepare(self, rows: list[Row]) -> None:
        self.keys = {}
        for r in rows:
            self.keys[r.number] = self.key_of(r)
        self.existing = {r["source_key"]: dict(r) for r in
                         load_in(self.conn, select(Lead.__table__), Lead.source_key, {k for k in self.keys.values() if k})}
        self.load_enterprises({r.values["party"] for r in rows if "party" in r.values})
        codes = {r.values["project_code"] for r in rows if "project_code" in r.values}
        stmt = select(Project.id, Project.code, Project.county_adcode)
        self.projects = {r["code"]: dict(r) for r in load_in(self.conn, stmt, Project.code, codes)}
        self.seen: dict = {}

    def link(self, row: Row) -> int | None:
        if "chain_link_id" not in row.values:
            return None
        try:
            return self.ref.chain_link(row.values["chain_link_id"], row.values.get("industry_code"))
        except ValueError as exc:
            row.error("chain_link_id", str(exc), self.spec)
            row.bad.add("chain_link_id")
            return None

    def key_of(self, row: Row) -> str | None:
        v = row.values
        link = self.link(row)
        row.values["_link"] = link
        if "record_id" in v:
            return "id:" + v["record_id"]
        if row.bad or "party" not in v or link is None:
            return None
        return natural_key("leads", v["party"], link, v.get("county_adcode"))

    def build(self, row: Row) -> Outcome | None:
        v, spec = row.values, self.spec
        key = self.keys[row.number]
        if key is None:
            self.require(row, ("party", "chain_link_id"))
            return None
        if self.duplicate(row, self.seen, key, "record_id" if "record_id" in v else "party", "同一条线索"):
            return None
        old = self.existing.get(key)
        if old is not None and not self.in_scope(old["county_adcode"]):
            row.error("record_id" if "record_id" in v else "party", f"该线索{OUT_OF_SCOPE}", spec)
            return None
        if old is None:
            self.require(row, ("party", "chain_link_id", "stage", "channel", "listed_on"), "新线索")
        county = v.get("county_adcode", old["county_adcode"] if old else None)
        if row.errors or not self.county_checks(row, county):
            return None
        rec = {c: (old or {}).get(c) for c in ("enterprise_id", "chain_link_id", "county_adcode", "city_adcode", "stage",
                                                 "channel", "listed_on", "stage_on", "intended_yuan", "project_id")}
        for f in ("county_adcode", "stage", "channel", "listed_on", "stage_on", "intended_yuan"):
            if f in v:
                rec[f] = v[f]
        if v.get("_link") is not None:
            rec["chain_link_id"] = v["_link"]
        rec["city_adcode"] = self.city(rec["county_adcode"])
        if rec["stage_on"] is None or (old is None and "stage_on" not in v):
            rec["stage_on"] = rec["listed_on"]
        if rec["stage_on"] < rec["listed_on"]:
            row.error("stage_on", f"阶段日期早于入库日期（{rec['listed_on']}）", spec)
        if "party" in v:
            rec["enterprise_id"] = self.enterprise(row, "party", v.get("origin") or self.enterprise_origin(v["party"]))
        if "project_code" in v:
            project = self.projects.get(v["project_code"])
            if project is None:
                row.error("project_code", f"项目编号「{v['project_code']}」不存在", spec)
            elif not self.in_scope(project["county_adcode"]):
                row.error("project_code", f"项目「{v['project_code']}」{OUT_OF_SCOPE}", spec)
            else:
                rec["project_id"] = project["id"]
        if rec["project_id"] is not None and rec["stage"] != "已签约":
            row.error("project_code" if "project_code" in v else "stage", "只有 已签约 的线索才能对应项目编号", spec)
        rec["source_key"] = key
        if row.errors:
            return None
        labels = {c.field: c.header for c in spec.columns} | {"enterprise_id": self.header("party"),
                                                              "city_adcode": self.header("county_adcode"),
                                                              "project_id": self.header("project_code")}
        before = old and {**old, "enterprise_id": None if isinstance(rec["enterprise_id"], NewEnterprise) else old["enterprise_id"]}
        return self.compare(row, "lead", v.get("record_id") or v.get("party", ""), v.get("party", ""), rec, before,
                            ("id",), labels)


BUILDERS: dict[str, type[Builder]] = {
    "projects": Projects, "funding": FundingRows, "visits": Visits, "inspections": Inspections,
    "targets": Targets, "leads": Leads,
}
TABLE_MODELS = {"project": Project, "funding": Funding, "visit": Visit, "inspection": Inspection,
                "annual_target": AnnualTarget, "lead": Lead, "enterprise": Enterprise}
