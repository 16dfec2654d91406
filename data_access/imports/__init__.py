"""Importing real data: the platform's exports (Excel, CSV) and its database, validated row by row,
all or nothing, with history and rollback. See README "Importing real data".

    catalogue  the kinds and their Chinese columns (synonyms, units, allowed values)
    readers    .xlsx / .xls / .csv into a header and rows
    values     one cell: money, dates, counts, yes/no
    lookup     names → regions, parks, industries, chain links…; investor origins
    kinds      row builders: what a row does to its table, or its errors
    plan       the preview (never writes); apply: the write; history: list and rollback
    staging    uploads kept between preview and confirm; workbook: templates, error lists
    sync       reading the platform's database
"""
from .apply import apply_import
from .catalogue import KINDS, Column, KindSpec, detect_kind
from .history import list_batches, rollback_batch
from .plan import plan_import
from .readers import FileProblem
from .results import (
    BatchInfo, Change, ImportPlan, ImportRejected, ImportResult, RollbackRefused, RowError, TotalChange,
)
from .staging import discard_upload, stage_upload, staged_upload
from .sync import read_source
from .workbook import build_template, errors_workbook

__all__ = [
    "KINDS", "BatchInfo", "Change", "Column", "FileProblem", "ImportPlan", "ImportRejected", "ImportResult",
    "KindSpec", "RollbackRefused", "RowError", "TotalChange", "apply_import", "build_template", "detect_kind",
    "discard_upload", "errors_workbook", "list_batches", "plan_import", "read_source", "rollback_batch",
    "stage_upload", "staged_upload",
]
