"""The project lifecycle rule, written once: every figure of the cockpit reads it from here.

Guizhou's reports count 开工 (under construction) and 投产 (in production) as exclusive buckets,
so 投产 can exceed 开工 there (domain.md §5). The cockpit counts cumulatively instead, as of a date:

    signed  ≥  started (including in production)  ≥  in production

A project "started" as of D has started_on ≤ D; "in production" has production_on ≤ D; the
project table's check constraints guarantee production_on ≥ started_on ≥ signed_on, so the funnel
can never widen. A project terminated on or before D leaves every figure but the terminated count:
it no longer appears on the platform's schedule (调度), and it must not make a chain look covered.
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
