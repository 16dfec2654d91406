"""Settings an admin changes in the cockpit (系统管理 → 设置): warning thresholds, ranking weights.

Every setting is declared once, here, with its Chinese label, type, default and bounds; the
app_setting table holds only the values an admin changed, so a key absent from it reads as its
default and a new setting needs no migration. Writing bumps the data version in the same
transaction: every cached warnings and rankings view is keyed by it, so a new threshold shows
at every worker's next request (within COCKPIT_VERSION_SECONDS), never behind an old answer.

A "month" of the warning rules is 30 days, as the overview's 签约未开工 lights count it
(data_access/area.py: yellow beyond 90 days, red beyond 180), so both screens give one count.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from types import MappingProxyType

from sqlalchemy import Connection, delete, insert, select

from . import version
from .accounts import utcnow
from .models import AppSetting

DAYS_PER_MONTH = 30


@dataclass(frozen=True)
class Setting:
    key: str
    label: str
    group: str
    default: int
    low: int
    high: int
    unit: str = ""
    note: str = ""

    def check(self, value) -> int:
        """The value as an int within bounds; ValueError with a Chinese message otherwise."""
        if isinstance(value, bool):
            raise ValueError(f"“{self.label}”须为整数")
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = str(value).strip() if value is not None else ""
        if not re.fullmatch(r"-?[0-9]{1,9}", text):
            raise ValueError(f"“{self.label}”须为整数")
        number = int(text)
        if not self.low <= number <= self.high:
            raise ValueError(f"“{self.label}”须在 {self.low}–{self.high}{self.unit} 之间")
        return number


WARNINGS, RANKINGS = "预警规则", "考核排名"
_DECLARED = [
    Setting("warn.stall_yellow_months", "签约未开工 黄灯", WARNINGS, 3, 1, 24, "个月", "签约后超过此月数仍未开工"),
    Setting("warn.stall_red_months", "签约未开工 红灯", WARNINGS, 6, 1, 36, "个月",
            "土地出让合同一般要求6个月内实质性开工"),
    Setting("warn.stall_planned", "超过计划开工日期亦亮黄灯", WARNINGS, 1, 0, 1, "", "1 是，0 否"),
    Setting("warn.production_red_months", "开工未投产 红灯", WARNINGS, 6, 1, 36, "个月",
            "已过计划投产日期即亮黄灯，超过此月数亮红灯"),
    Setting("warn.funds_min_pct", "资金到位率下限", WARNINGS, 30, 1, 100, "%", "累计到位资金 ÷ 合同投资额"),
    Setting("warn.funds_yellow_months", "资金到位率 黄灯", WARNINGS, 12, 1, 60, "个月", "签约超过此月数后仍低于下限"),
    Setting("warn.funds_red_months", "资金到位率 红灯", WARNINGS, 24, 1, 120, "个月", "签约超过此月数后仍低于下限"),
    Setting("warn.idle_yellow_months", "无进展 黄灯", WARNINGS, 2, 1, 24, "个月", "平台记录超过此月数未更新"),
    Setting("warn.idle_red_months", "无进展 红灯", WARNINGS, 3, 1, 36, "个月", "平台记录超过此月数未更新"),
    Setting("warn.target_tolerance_pts", "目标滞后 黄灯容差", WARNINGS, 10, 0, 100, "个百分点",
            "完成率低于时序进度不超过此值为黄灯，超过为红灯；考核排名的红黄绿同此"),
    Setting("rank.weight_contract", "综合排名权重：合同投资额", RANKINGS, 40, 0, 100, "%"),
    Setting("rank.weight_funds", "综合排名权重：到位资金", RANKINGS, 40, 0, 100, "%"),
    Setting("rank.weight_projects", "综合排名权重：签约项目数", RANKINGS, 20, 0, 100, "%"),
    Setting("rank.cap_pct", "单项完成率计分上限", RANKINGS, 150, 100, 1000, "%",
            "一项目标超额再多，计入综合得分的完成率也不超过此值"),
]
DECLARED: MappingProxyType = MappingProxyType({s.key: s for s in _DECLARED})
WEIGHT_KEYS = ("rank.weight_contract", "rank.weight_funds", "rank.weight_projects")


@dataclass(frozen=True)
class Values:
    """Every setting's value (defaults for the ones never changed); hashable, so it can key a cache."""
    items: tuple[tuple[str, int], ...]

    def __getitem__(self, key: str) -> int:
        return dict(self.items)[key]

    def days(self, key: str) -> int:
        """A month setting in days (a month is 30 days, as the overview counts)."""
        return self[key] * DAYS_PER_MONTH

    def as_dict(self) -> dict[str, int]:
        return dict(self.items)


def defaults() -> Values:
    return Values(tuple((s.key, s.default) for s in _DECLARED))


def read(conn: Connection) -> Values:
    """Every setting: the stored value, or the default where none is stored (or the stored one is
    no longer valid, e.g. after its bounds changed)."""
    stored = {k: v for k, v in conn.execute(select(AppSetting.key, AppSetting.value))}
    out = []
    for s in _DECLARED:
        try:
            out.append((s.key, s.check(stored[s.key]) if s.key in stored else s.default))
        except ValueError:
            out.append((s.key, s.default))
    return Values(tuple(out))


def validate(changes: dict[str, object], current: Values) -> tuple[dict[str, int], list[str]]:
    """Checked values of the keys given, and the problems (in Chinese) of the whole set they make."""
    problems: list[str] = []
    checked: dict[str, int] = {}
    for key, value in changes.items():
        setting = DECLARED.get(key)
        if setting is None:
            problems.append(f"没有这个设置：{str(key)[:40]}")
            continue
        try:
            checked[key] = setting.check(value)
        except ValueError as exc:
            problems.append(str(exc))
    if problems:
        return checked, problems
    merged = {**current.as_dict(), **checked}
    for yellow, red, what in (("warn.stall_yellow_months", "warn.stall_red_months", "签约未开工"),
                              ("warn.funds_yellow_months", "warn.funds_red_months", "资金到位率"),
                              ("warn.idle_yellow_months", "warn.idle_red_months", "无进展")):
        if merged[yellow] >= merged[red]:
            problems.append(f"{what}：红灯月数须大于黄灯月数")
    if sum(merged[k] for k in WEIGHT_KEYS) != 100:
        problems.append(f"综合排名三项权重之和须为 100%（现为 {sum(merged[k] for k in WEIGHT_KEYS)}%）")
    return checked, problems


def write(conn: Connection, values: dict[str, int], *, actor: str) -> str:
    """Store checked values (a value equal to its default is stored too: it was chosen); returns
    the new data version, written in the same transaction."""
    now = utcnow()
    for key, value in values.items():
        conn.execute(delete(AppSetting).where(AppSetting.key == key))
        conn.execute(insert(AppSetting).values(key=key, value=str(int(value)), updated_at=now, updated_by=actor[:64]))
    return version.bump(conn)


def reset(conn: Connection, keys: list[str] | None = None) -> str:
    """Back to the declared defaults (all keys, or those given); returns the new data version."""
    stmt = delete(AppSetting)
    if keys is not None:
        stmt = stmt.where(AppSetting.key.in_(keys))
    conn.execute(stmt)
    return version.bump(conn)


def history(conn: Connection) -> list[dict]:
    """The stored values with who set them and when (the admin page shows them)."""
    stmt = select(AppSetting.key, AppSetting.value, AppSetting.updated_at, AppSetting.updated_by).order_by(AppSetting.key)
    return [dict(r) for r in conn.execute(stmt).mappings()]
