"""What an import reports: the plan (preview) of a file, its row errors, its changes and totals."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple


@dataclass(frozen=True)
class RowError:
    row: int          # the row number as Excel shows it (0: the file as a whole)
    column: str       # the header as written in the file (or the template's header)
    value: str        # the cell as typed
    reason: str       # in Chinese, with the closest valid value where one is close


class Change(NamedTuple):
    """One row of the preview: what the import will do with it."""
    row: int
    action: str                 # insert | update | unchanged
    key: str                    # 项目编号, or the natural key as text
    name: str                   # the project's or party's name
    fields: tuple[str, ...]     # headers of the changed columns (updates only)


@dataclass(frozen=True)
class TotalChange:
    """A headline figure of the importer's scope before and after the import.

    Counts are plain integers; money is integer yuan with unit '亿元' (show it with
    components/units.py, the one rounding rule)."""
    label: str
    unit: str
    before: int
    after: int

    @property
    def is_money(self) -> bool:
        return self.unit == "亿元"


@dataclass
class ImportPlan:
    kind: str | None
    file_name: str
    sha256: str
    sheet: str | None = None
    header_row: int | None = None
    rows_total: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    errors: list[RowError] = field(default_factory=list)
    fatal: str | None = None
    totals: list[TotalChange] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    policy: str = ""                                 # how known keys are treated (shown in the preview)
    columns: list[tuple[str, str]] = field(default_factory=list)   # (header in the file, template header)
    ignored: list[str] = field(default_factory=list)               # headers the import does not read

    @property
    def ok(self) -> bool:
        return self.fatal is None and not self.errors and self.rows_total > 0

    @property
    def label(self) -> str:
        from .catalogue import KINDS
        return KINDS[self.kind].label if self.kind in KINDS else ""


class ImportRejected(Exception):
    """apply_import found errors: nothing was written. `plan` says what is wrong."""

    def __init__(self, plan: ImportPlan):
        self.plan = plan
        reason = plan.fatal or f"{plan.rejected} 行有错误，共 {len(plan.errors)} 处"
        super().__init__(f"导入被拒绝：{reason}")


@dataclass(frozen=True)
class ImportResult:
    batch_id: int
    plan: ImportPlan


@dataclass(frozen=True)
class BatchInfo:
    id: int
    kind: str
    file_name: str
    sha256: str
    actor: str
    created_at: datetime
    rows_total: int
    inserted: int
    updated: int
    unchanged: int
    rolled_back_at: datetime | None
    rolled_back_by: str | None
    can_roll_back: bool
    region_adcode: int | None = None


class RollbackRefused(Exception):
    """A rollback that may not or cannot be done; the message says why, in Chinese."""
