"""The cockpit's words: one label and unit for each measure and figure, used by every screen
and export (domain.md §5 gives the definitions; the queries implement them).

A measure is what a chart can count by: projects or contract value. A headline is a number of
the overview's KPI strip. Labels are the platform's own terms, the same everywhere: 合同投资额,
never 合同额 or 投资额.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    unit: str
    column: str          # the statistic's column in a frame of data_access
    target_column: str   # the plan target's column (chain links)


MEASURES = {
    "contract": Measure("contract", "合同投资额", "亿元", "contract_yuan", "target_contract_yuan"),
    "projects": Measure("projects", "项目数", "个", "projects", "target_projects"),
}

# The overview's headline numbers: key → (label, unit)
HEADLINES = {
    "projects": ("签约项目数", "个"),
    "contract": ("合同投资额", "亿元"),
    "funds": ("到位资金", "亿元"),
    "funds_rate": ("资金到位率", "%"),
    "start_rate": ("开工率", "%"),
    "production_rate": ("投产率", "%"),
    "park_rate": ("入园率", "%"),
    "quality": ("优强企业项目", "个"),
}
