"""Master data the cockpit cannot run without: regions, industries, chain links, parks.

Kept as CSV files in reference/ (regions.csv is generated with the boundary assets by
scripts/build_boundaries.py) and loaded into an empty database.
"""
from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy import Connection, func, insert, select

from .models import ChainLink, Industry, Park, Region

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"
YUAN_PER_YI = 100_000_000


def read_csv(name: str) -> list[dict[str, str]]:
    with open(REFERENCE_DIR / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _opt_int(value: str) -> int | None:
    return int(value) if value.strip() else None


def _yi_to_yuan(value: str) -> int | None:
    # Parsed as text to stay exact: "12.5" 亿 → 1 250 000 000 元.
    if not value.strip():
        return None
    whole, _, frac = value.strip().partition(".")
    return int(whole) * YUAN_PER_YI + int((frac + "00000000")[:8])


def region_rows() -> list[dict]:
    return [
        {
            "adcode": int(r["adcode"]),
            "name": r["name"],
            "short_name": r["short_name"],
            "level": r["level"],
            "parent_adcode": _opt_int(r["parent_adcode"]),
            "label_lon": float(r["label_lon"]),
            "label_lat": float(r["label_lat"]),
            "sort_order": int(r["sort_order"]),
        }
        for r in read_csv("regions.csv")
    ]


def industry_rows() -> list[dict]:
    return [
        {
            "code": r["code"],
            "name": r["name"],
            "short_name": r["short_name"],
            "sort_order": int(r["sort_order"]),
            "is_key": r["is_key"] == "1",
        }
        for r in read_csv("industries.csv")
    ]


def chain_link_rows() -> list[dict]:
    return [
        {
            "id": i,
            "industry_code": r["industry_code"],
            "stage": r["stage"],
            "sort_order": int(r["sort_order"]),
            "name": r["name"],
            "is_weak": r["is_weak"] == "1",
            "weak_note": r["weak_note"] or None,
            "anchor_firms": r["anchor_firms"] or None,
            "target_contract_yuan": _yi_to_yuan(r["target_contract_yi"]),
            "target_projects": _opt_int(r["target_projects"]),
        }
        for i, r in enumerate(read_csv("chain_links.csv"), start=1)
    ]


def park_rows() -> list[dict]:
    return [
        {
            "id": i,
            "name": r["name"],
            "short_name": r["short_name"],
            "county_adcode": int(r["county_adcode"]),
            "level": r["level"],
            "kind": r["kind"],
            "is_platform": r["is_platform"] == "1",
            "lead_industries": r["lead_industries"] or None,
        }
        for i, r in enumerate(read_csv("parks.csv"), start=1)
    ]


def load_reference(conn: Connection) -> bool:
    """Fill the master-data tables if the database has none; True if it loaded anything."""
    if conn.scalar(select(func.count()).select_from(Region)):
        return False
    # Parents before children: the province, then cities, then counties (sort_order follows adcode).
    regions = sorted(region_rows(), key=lambda r: ("province", "city", "county").index(r["level"]))
    conn.execute(insert(Region), regions)
    conn.execute(insert(Industry), industry_rows())
    conn.execute(insert(ChainLink), chain_link_rows())
    conn.execute(insert(Park), park_rows())
    return True
