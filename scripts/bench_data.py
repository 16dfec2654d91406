"""Synthetic data for scripts/bench.py: N projects with realistic distributions, made with numpy
and bulk-loaded (SQLite: executemany in one unjournalled transaction; PostgreSQL: COPY).

The database must already hold the schema (data_access.schema.upgrade) and the master data
(data_access.reference.load_reference): regions, industries, chain links and parks are read
back from it, so the synthetic rows always reference what the real loader put there.
City and industry mixes follow reference/city_weights.csv and reference/city_profiles.csv
when present (uniform otherwise).
"""
from __future__ import annotations

import csv
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sqlalchemy import Engine, text

from data_access.search import search_key
from data_access.vocab import (
    CHAIN_ACTIONS,
    CHANNELS,
    OWNERSHIP,
    STATUS_BUILDING,
    STATUS_PRODUCING,
    STATUS_SIGNED,
    STATUS_TERMINATED,
)

# Parts of synthetic names (the header's search reads their pinyin).
WORKS = ("年产十万吨新型建材", "智能终端制造产业园", "酱香型白酒技改扩能", "新能源电池材料", "磷化工精深加工",
         "大数据中心", "生态特色食品加工", "中药材种植及精深加工", "现代物流园", "文化旅游综合体")
FIRMS = ("贵州", "深圳市华创", "上海恒力", "浙江天能", "广东美盛", "重庆川黔", "北京中科", "江苏新材")

REFERENCE_DIR = Path(__file__).resolve().parent.parent / "data_access" / "reference"

FIRST_DAY = np.datetime64("2019-01-01")
CUTOFF = np.datetime64("2025-12-31")
SPAN = int((CUTOFF - FIRST_DAY).astype(int))  # days

# Investor origins: (province, city, source region, weight). 深圳 ~7 % of enterprises.
ORIGINS = [
    ("广东省", "深圳市", "粤港澳大湾区", 7), ("广东省", "广州市", "粤港澳大湾区", 5),
    ("广东省", "东莞市", "粤港澳大湾区", 2), ("广东省", "佛山市", "粤港澳大湾区", 2),
    ("香港特别行政区", "香港", "境外", 2), ("浙江省", "杭州市", "长三角", 5),
    ("浙江省", "宁波市", "长三角", 2), ("江苏省", "南京市", "长三角", 3),
    ("江苏省", "苏州市", "长三角", 3), ("上海市", "上海市", "长三角", 5),
    ("北京市", "北京市", "京津冀", 6), ("天津市", "天津市", "京津冀", 2),
    ("四川省", "成都市", "成渝", 6), ("重庆市", "重庆市", "成渝", 5),
    ("湖南省", "长沙市", "其他省外", 3), ("福建省", "厦门市", "其他省外", 2),
    ("山东省", "青岛市", "其他省外", 2), ("湖北省", "武汉市", "其他省外", 2),
    ("云南省", None, "其他省外", 2), ("贵州省", "贵阳市", "省内", 14),
    ("贵州省", "遵义市", "省内", 7), ("贵州省", None, "省内", 4),
    ("新加坡", None, "境外", 1), ("美国", None, "境外", 1),
]
ASSOCIATIONS = ["{}贵州商会", "{}工商联", "{}企业家协会", "{}黔商联合会"]


@dataclass
class Table:
    name: str
    columns: list[str]
    data: list[list]  # one Python list per column (None = NULL)

    @property
    def rows(self) -> int:
        return len(self.data[0])

    def tuples(self):
        return zip(*self.data)


# --- helpers -------------------------------------------------------------------------------

def _dates(days: np.ndarray, valid: np.ndarray | None = None) -> list:
    """Day offsets from FIRST_DAY as ISO strings (the format SQLAlchemy's Date uses on SQLite)."""
    strings = np.datetime_as_string(FIRST_DAY + days.astype("timedelta64[D]"), unit="D").astype(object)
    if valid is not None:
        strings[~valid] = None
    return strings.tolist()


def _ints(values: np.ndarray, valid: np.ndarray | None = None) -> list:
    out = values.astype(np.int64).astype(object)
    if valid is not None:
        out[~valid] = None
    return out.tolist()


def _pick(rng, options, n, weights=None) -> np.ndarray:
    """n choices from options (returned as an object array of the options themselves)."""
    p = None if weights is None else np.asarray(weights, float) / np.sum(weights)
    idx = rng.choice(len(options), size=n, p=p)
    return np.asarray(options, dtype=object)[idx]


def _read_csv(name: str) -> list[dict] | None:
    path = REFERENCE_DIR / name
    if not path.exists():
        return None
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@dataclass
class Reference:
    counties: np.ndarray       # adcode
    county_city: np.ndarray    # parent adcode per county
    county_short: np.ndarray   # short name per county (object)
    cities: np.ndarray
    industries: list[str]
    industry_key: dict[str, bool]
    links: dict[str, list[int]]  # industry code -> chain link ids
    parks: dict[int, list[int]]  # county adcode -> park ids


def read_reference(engine: Engine) -> Reference:
    with engine.connect() as conn:
        regions = conn.execute(text("SELECT adcode, level, parent_adcode, short_name FROM region")).all()
        industries = conn.execute(text("SELECT code, is_key FROM industry ORDER BY sort_order")).all()
        links = conn.execute(text("SELECT id, industry_code FROM chain_link ORDER BY id")).all()
        parks = conn.execute(text("SELECT id, county_adcode FROM park ORDER BY id")).all()
    counties = sorted((r for r in regions if r.level == "county"), key=lambda r: r.adcode)
    link_map: dict[str, list[int]] = {}
    for link_id, code in links:
        link_map.setdefault(code, []).append(link_id)
    park_map: dict[int, list[int]] = {}
    for park_id, county in parks:
        park_map.setdefault(county, []).append(park_id)
    return Reference(
        counties=np.array([r.adcode for r in counties]),
        county_city=np.array([r.parent_adcode for r in counties]),
        county_short=np.array([r.short_name for r in counties], dtype=object),
        cities=np.array(sorted(r.adcode for r in regions if r.level == "city")),
        industries=[r.code for r in industries],
        industry_key={r.code: bool(r.is_key) for r in industries},
        links=link_map,
        parks=park_map,
    )


# --- the data set ----------------------------------------------------------------------------

def make_dataset(ref: Reference, n: int, seed: int = 20261121) -> list[Table]:
    rng = np.random.default_rng(seed)
    n_ent = max(50, n // 3)
    enterprises = _enterprises(rng, n_ent)
    tables = [enterprises]
    project, facts = _projects(rng, ref, n, n_ent, enterprises)
    tables.append(project)
    tables.append(_funding(rng, facts))
    tables.append(_visits(rng, ref, max(200, int(n * 0.3)), n_ent))
    tables.append(_inspections(rng, ref, max(100, int(n * 0.1)), n_ent))
    tables.append(Table("dataset_info", ["key", "value"], [["data_cutoff", "source"], [str(CUTOFF), "bench"]]))
    return tables


def _enterprises(rng, n_ent: int) -> Table:
    idx = rng.choice(len(ORIGINS), size=n_ent, p=np.array([o[3] for o in ORIGINS], float) / sum(o[3] for o in ORIGINS))
    prov = np.array([o[0] for o in ORIGINS], dtype=object)[idx]
    city = np.array([o[1] for o in ORIGINS], dtype=object)[idx]
    source = np.array([o[2] for o in ORIGINS], dtype=object)[idx]
    ownership = _pick(rng, OWNERSHIP, n_ent, [15, 60, 8, 5, 12])
    # ~15 % are 优强企业, a few with several tags.
    tags = np.where(rng.random(n_ent) < 0.15, rng.integers(1, 64, n_ent), 0)
    ids = np.arange(1, n_ent + 1)
    return Table(
        "enterprise",
        ["id", "name", "origin_province", "origin_city", "source_region", "ownership", "quality_tags"],
        [ids.tolist(), [f"{FIRMS[i % len(FIRMS)]}{i:07d}有限公司" for i in ids], prov.tolist(), city.tolist(),
         source.tolist(),
         ownership.tolist(), tags.tolist()],
    )


def _county_weights(ref: Reference, rng) -> np.ndarray:
    """Counties share their city's share of projects unevenly (lognormal), like real counties do."""
    shares = {int(r["city_adcode"]): float(r["share_of_projects"]) for r in (_read_csv("city_weights.csv") or [])}
    w = rng.lognormal(0.0, 0.7, len(ref.counties))
    for city in ref.cities:
        members = ref.county_city == city
        w[members] *= shares.get(int(city), 1.0 / len(ref.cities)) / w[members].sum()
    return w / w.sum()


def _industry_matrix(ref: Reference) -> np.ndarray:
    """P(industry | city), rows in ref.cities order, columns in ref.industries order."""
    m = np.ones((len(ref.cities), len(ref.industries)))
    profiles = _read_csv("city_profiles.csv")
    if profiles:
        m[:] = 0.002
        ci = {int(c): i for i, c in enumerate(ref.cities)}
        ii = {c: i for i, c in enumerate(ref.industries)}
        for r in profiles:
            if int(r["city_adcode"]) in ci and r["industry_code"] in ii:
                m[ci[int(r["city_adcode"])], ii[r["industry_code"]]] = float(r["weight"])
    return m / m.sum(axis=1, keepdims=True)


def _projects(rng, ref: Reference, n: int, n_ent: int, enterprises: Table):
    # Where: county by weight, its city is the parent (never chosen independently).
    c_idx = rng.choice(len(ref.counties), size=n, p=_county_weights(ref, rng))
    county, city = ref.counties[c_idx], ref.county_city[c_idx]

    # What: industry by the city's profile (inverse-CDF per row, vectorised).
    probs = np.cumsum(_industry_matrix(ref), axis=1)
    city_row = np.searchsorted(ref.cities, city)
    ind_idx = (rng.random(n)[:, None] > probs[city_row]).sum(axis=1).clip(0, len(ref.industries) - 1)
    industry = np.asarray(ref.industries, dtype=object)[ind_idx]

    # Chain link: ~88 % of key-industry projects, uniform over the industry's links.
    link = np.zeros(n, dtype=np.int64)
    has_link = np.zeros(n, dtype=bool)
    u = rng.random(n)
    for i, code in enumerate(ref.industries):
        ids = ref.links.get(code)
        if not ids or not ref.industry_key.get(code):
            continue
        rows = np.flatnonzero((ind_idx == i) & (u < 0.88))
        link[rows] = np.asarray(ids)[rng.integers(0, len(ids), rows.size)]
        has_link[rows] = True
    action = _pick(rng, CHAIN_ACTIONS, n, [15, 35, 35, 15])

    # Park: 65 % of projects in a county that has parks.
    park = np.zeros(n, dtype=np.int64)
    has_park = np.zeros(n, dtype=bool)
    u = rng.random(n)
    for county_code, ids in ref.parks.items():
        rows = np.flatnonzero((county == county_code) & (u < 0.65))
        park[rows] = np.asarray(ids)[rng.integers(0, len(ids), rows.size)]
        has_park[rows] = True

    # When: signed 2019–2025 with a mild upward trend; rows in signing order, as a platform fills up.
    signed = np.sort((SPAN * rng.random(n) ** 0.85).astype(np.int64))
    will_start = rng.random(n) < 0.60
    started = signed + rng.gamma(2.0, 75.0, n).astype(np.int64)
    has_started = will_start & (started <= SPAN)
    will_produce = rng.random(n) < 0.86
    production = started + 30 + rng.gamma(2.0, 160.0, n).astype(np.int64)
    has_production = has_started & will_produce & (production <= SPAN)
    # ~6 % terminated: mostly projects that never started, a few under construction.
    term_p = np.where(has_started, np.where(has_production, 0.0, 0.03), 0.12)
    terminated = np.where(has_started, started, signed) + 60 + rng.gamma(2.0, 200.0, n).astype(np.int64)
    has_terminated = (rng.random(n) < term_p) & (terminated <= SPAN)
    status = np.where(
        has_terminated, STATUS_TERMINATED,
        np.where(has_production, STATUS_PRODUCING, np.where(has_started, STATUS_BUILDING, STATUS_SIGNED)),
    ).astype(object)
    planned_start = signed + 30 + rng.integers(0, 180, n)
    planned_production = planned_start + 180 + rng.integers(0, 540, n)

    # How much: lognormal around ~1.5 亿, in whole 万元.
    contract = (np.clip(rng.lognormal(np.log(8e7), 1.15, n), 1e6, 3e11) / 1e4).astype(np.int64) * 10_000
    industrial = rng.random(n) < 0.72
    output = contract * rng.uniform(0.8, 3.0, n)
    jobs = (contract / 1e6 * rng.uniform(0.2, 2.0, n)).astype(np.int64)
    tax = output * rng.uniform(0.02, 0.08, n)
    has_expect = rng.random(n) < 0.8

    ids = np.arange(1, n + 1)
    years = (2019 + signed // 365.25).astype(np.int64).clip(2019, 2025)
    units = {c: f"{s}投资促进局" for c, s in zip(ref.counties.tolist(), ref.county_short.tolist())}
    enterprise = (n_ent * rng.random(n) ** 1.6).astype(np.int64) + 1  # a few enterprises invest often
    investor = dict(zip(enterprises.columns, enterprises.data))
    emerging = np.where(rng.random(n) < 0.04, "新能源电池及材料", None).astype(object)

    short = dict(zip(ref.counties.tolist(), ref.county_short.tolist()))
    names = [f"{short[c]}{WORKS[i % len(WORKS)]}项目{i}" for c, i in zip(county.tolist(), ids.tolist())]
    columns = {
        "id": ids.tolist(),
        "code": [f"GZ{y}{i:08d}" for y, i in zip(years.tolist(), ids.tolist())],
        # Names and search keys as long as real ones, so that the header's search scans what it would.
        "name": names,
        "search_key": [search_key(a, investor["name"][e - 1]) for a, e in zip(names, enterprise.tolist())],
        "enterprise_id": enterprise.tolist(),
        # The investor as recorded at signing: a copy of its enterprise row.
        **{col: [investor[col][e - 1] for e in enterprise.tolist()]
           for col in ("origin_province", "origin_city", "source_region", "quality_tags")},
        "industry_code": industry.tolist(),
        "chain_link_id": _ints(link, has_link),
        "chain_action": np.where(has_link, action, None).tolist(),
        "emerging_label": emerging.tolist(),
        "county_adcode": county.tolist(),
        "city_adcode": city.tolist(),
        "park_id": _ints(park, has_park),
        "channel": _pick(rng, CHANNELS, n, [18, 8, 14, 22, 10, 12, 11, 5]).tolist(),
        "contract_yuan": contract.tolist(),
        "signed_on": _dates(signed),
        "planned_start_on": _dates(planned_start),
        "started_on": _dates(started, has_started),
        "planned_production_on": _dates(planned_production),
        "production_on": _dates(production, has_production),
        "terminated_on": _dates(terminated, has_terminated),
        "status": status.tolist(),
        "is_industrial": industrial.astype(np.int64).tolist(),
        "expected_output_yuan": _ints(output, has_expect),
        "expected_jobs": _ints(jobs, has_expect),
        "expected_tax_yuan": _ints(tax, has_expect),
        "responsible_unit": [units[c] for c in county.tolist()],
    }
    facts = {"signed": signed, "started": np.where(has_started, started, -1), "contract": contract,
             "county": county, "city": city}
    return Table("project", list(columns), list(columns.values())), facts


def _funding(rng, facts) -> Table:
    signed, started, contract = facts["signed"], facts["started"], facts["contract"]
    n = signed.size
    # Started projects receive money several times, signed-only ones seldom: ~2.5 rows a project.
    lam = np.where(started >= 0, 3.3, 1.2)
    count = rng.poisson(lam)
    project_idx = np.repeat(np.arange(n), count)
    m = project_idx.size
    begin = np.where(started[project_idx] >= 0, np.maximum(started[project_idx] - 30, signed[project_idx]),
                     signed[project_idx])
    received = begin + ((SPAN - begin) * rng.random(m) ** 1.5).astype(np.int64)
    share = rng.uniform(0.03, 0.3, m)
    amount = (contract[project_idx] * share / 1e4).astype(np.int64) * 10_000
    order = np.argsort(received, kind="stable")  # rows arrive as money arrives
    project_id = project_idx[order] + 1
    return Table(
        "funding",
        ["id", "project_id", "county_adcode", "city_adcode", "received_on", "amount_yuan"],
        [np.arange(1, m + 1).tolist(), project_id.tolist(), facts["county"][project_idx[order]].tolist(),
         facts["city"][project_idx[order]].tolist(), _dates(received[order]), amount[order].tolist()],
    )


def _where(rng, ref: Reference, n: int, provincial_share: float):
    c_idx = rng.integers(0, len(ref.counties), n)
    local = rng.random(n) >= provincial_share
    county = _ints(ref.counties[c_idx], local)
    city = _ints(ref.county_city[c_idx], local)
    team = np.where(local, np.char.add(ref.county_short[c_idx].astype(str), "招商小分队"), "省招商专班").tolist()
    return county, city, team


def _visits(rng, ref: Reference, n: int, n_ent: int) -> Table:
    day = np.sort(rng.integers(0, SPAN + 1, n))
    is_ent = rng.random(n) < 0.8
    county, city, team = _where(rng, ref, n, 0.1)
    o = rng.choice(len(ORIGINS), size=n, p=np.array([x[3] for x in ORIGINS], float) / sum(x[3] for x in ORIGINS))
    prov = np.array([x[0] for x in ORIGINS], dtype=object)[o]
    loc_city = np.array([x[1] for x in ORIGINS], dtype=object)[o]
    place = np.where(loc_city == None, prov, loc_city)  # noqa: E711 (object array comparison)
    assoc_kind = np.asarray(ASSOCIATIONS, dtype=object)[rng.integers(0, len(ASSOCIATIONS), n)]
    association = [None if e else k.format(p) for e, k, p in zip(is_ent.tolist(), assoc_kind.tolist(), place.tolist())]
    return Table(
        "visit",
        ["id", "visited_on", "kind", "team", "channel", "county_adcode", "city_adcode", "enterprise_id",
         "association_name", "location_province", "location_city"],
        [np.arange(1, n + 1).tolist(), _dates(day), np.where(is_ent, "enterprise", "association").tolist(), team,
         _pick(rng, CHANNELS, n, [18, 8, 14, 22, 10, 12, 11, 5]).tolist(), county, city,
         _ints(rng.integers(1, n_ent + 1, n), is_ent), association, prov.tolist(), loc_city.tolist()],
    )


def _inspections(rng, ref: Reference, n: int, n_ent: int) -> Table:
    day = np.sort(rng.integers(0, SPAN + 1, n))
    county, city, team = _where(rng, ref, n, 0.05)
    return Table(
        "inspection",
        ["id", "inspected_on", "enterprise_id", "team", "channel", "county_adcode", "city_adcode"],
        [np.arange(1, n + 1).tolist(), _dates(day), rng.integers(1, n_ent + 1, n).tolist(), team,
         _pick(rng, CHANNELS, n, [18, 8, 14, 22, 10, 12, 11, 5]).tolist(), county, city],
    )


# --- bulk loading ----------------------------------------------------------------------------

BULK_TABLES = ("enterprise", "project", "funding", "visit", "inspection")


def fit_to_schema(engine: Engine, tables: list[Table]) -> list[Table]:
    """The tables restricted to the columns the migrated database has; an error names any
    required column the generator does not make (the schema moved on: extend this file)."""
    from sqlalchemy import inspect

    insp = inspect(engine)
    out = []
    for t in tables:
        cols = {c["name"]: c for c in insp.get_columns(t.name)}
        missing = [n for n, c in cols.items()
                   if n not in t.columns and not c["nullable"] and c.get("default") is None
                   and c.get("autoincrement") is not True and n != "id"]
        if missing:
            raise SystemExit(f"bench_data: table {t.name} needs columns the generator does not make: {missing}")
        keep = [i for i, name in enumerate(t.columns) if name in cols]
        out.append(Table(t.name, [t.columns[i] for i in keep], [t.data[i] for i in keep]))
    return out


def load(engine: Engine, tables: list[Table]) -> dict[str, float]:
    """Bulk-insert the tables; secondary indexes are dropped first and rebuilt after (same SQL as
    the migrations created). Returns seconds spent per phase."""
    tables = fit_to_schema(engine, tables)
    if engine.dialect.name == "sqlite":
        return _load_sqlite(engine, tables)
    return _load_postgres(engine, tables)


def _load_sqlite(engine: Engine, tables: list[Table]) -> dict[str, float]:
    raw = engine.raw_connection()
    try:
        con = raw.driver_connection
        con.isolation_level = None  # we issue BEGIN/COMMIT ourselves
        cur = con.cursor()
        cur.execute("PRAGMA journal_mode=OFF")
        cur.execute("PRAGMA synchronous=OFF")
        cur.execute("PRAGMA foreign_keys=OFF")
        cur.execute("PRAGMA cache_size=-1048576")  # 1 GiB while building indexes
        cur.execute("PRAGMA temp_store=MEMORY")
        names = ",".join(f"'{t}'" for t in BULK_TABLES)
        indexes = cur.execute(
            f"SELECT name, sql FROM sqlite_master WHERE type='index' AND sql IS NOT NULL AND tbl_name IN ({names})"
        ).fetchall()
        t0 = time.perf_counter()
        cur.execute("BEGIN")
        for name, _ in indexes:
            cur.execute(f'DROP INDEX "{name}"')
        for t in tables:
            cols = ",".join(t.columns)
            marks = ",".join("?" * len(t.columns))
            cur.executemany(f"INSERT INTO {t.name} ({cols}) VALUES ({marks})", t.tuples())
        t1 = time.perf_counter()
        for _, sql in indexes:
            cur.execute(sql)
        cur.execute("COMMIT")
        t2 = time.perf_counter()
        cur.execute("PRAGMA cache_size=-2000")
        cur.close()
    finally:
        raw.close()
    return {"insert": t1 - t0, "indexes": t2 - t1}


def _load_postgres(engine: Engine, tables: list[Table]) -> dict[str, float]:
    raw = engine.raw_connection()
    try:
        con = raw.driver_connection
        names = list(BULK_TABLES)
        with con.cursor() as cur:
            # Plain indexes only; those backing primary keys and unique constraints stay.
            cur.execute(
                """SELECT i.indexname, i.indexdef FROM pg_indexes i
                   WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s)
                     AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)""",
                (names,),
            )
            indexes = cur.fetchall()
            t0 = time.perf_counter()
            # The rows reference what they should by construction: skip per-row FK triggers.
            cur.execute("SET session_replication_role = replica")
            cur.execute("SET maintenance_work_mem = '1GB'")
            for name, _ in indexes:
                cur.execute(f'DROP INDEX "{name}"')
            for t in tables:
                with cur.copy(f"COPY {t.name} ({','.join(t.columns)}) FROM STDIN") as copy:
                    for row in t.tuples():
                        copy.write_row(row)
            t1 = time.perf_counter()
            for _, sql in indexes:
                cur.execute(sql)
            cur.execute("SET session_replication_role = DEFAULT")
        con.commit()
        # The load ran without triggers (replica role): rebuild the roll-ups they keep.
        from data_access import rollup, rollup_project

        with engine.begin() as conn:
            rollup.rebuild(conn)
            rollup_project.rebuild(conn)
        t2 = time.perf_counter()
        # VACUUM sets the visibility map: without it no scan is index-only until autovacuum runs.
        con.autocommit = True
        with con.cursor() as cur:
            cur.execute("VACUUM ANALYZE")
        con.autocommit = False
        t3 = time.perf_counter()
    finally:
        raw.close()
    return {"insert": t1 - t0, "indexes": t2 - t1, "vacuum_analyze": t3 - t2}
