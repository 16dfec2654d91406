"""The project lifecycle rule, written once: every figure of the cockpit reads it from here.

Guizhou's reports count 开工 (under construction) and 投产 (in production) as exclusive buckets,
so 投产 can exceed 开工 there (domain.md §5). The cockpit counts cumulatively instead, as of a date:

    signed  ≥  started (including in production)  ≥  in production

A project "started" as of D has started_on ≤ D; "in production" has production_on ≤ D; the
project table's check constraints guarantee production_on ≥ started_on ≥ signed_on, so the funnel
can never widen.

THE terminated-project rule, the only one: a figure for a period is read as of the period's end
(D = min(period end, data cut-off)), and a project terminated on or before D is left out of it,
whenever it was signed: out of the projects and their contract value, the funnel, the rates, the
money in place (its money too, even what arrived before it was given up), the chains and the
stalled list. It no longer appears on the platform's schedule (调度) and must not make a chain
look covered. A project terminated after D still counts for that period: as of D it was live.
So the same project counts for 2019 and not for 2020 if it was given up in 2020. The published
figures are read the same way (the press conference's "843 个项目纳入平台调度" as of 2020-12-15),
and the demo data is calibrated under this rule (data_access/demo/build.py).
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, and_, or_

from .models import Project


def is_active(as_of: date) -> ColumnElement[bool]:
    return or_(Project.terminated_on.is_(None), Project.terminated_on > as_of)


def is_terminated(as_of: date) -> ColumnElement[bool]:
    return and_(Project.terminated_on.is_not(None), Project.terminated_on <= as_of)


def is_started(as_of: date) -> ColumnElement[bool]:
    return and_(Project.started_on.is_not(None), Project.started_on <= as_of)


def is_producing(as_of: date) -> ColumnElement[bool]:
    return and_(Project.production_on.is_not(None), Project.production_on <= as_of)


def is_pipeline(as_of: date) -> ColumnElement[bool]:
    """Signed and active but not started: the 签约未开工 projects that may stall."""
    return and_(is_active(as_of), or_(Project.started_on.is_(None), Project.started_on > as_of))
