"""Controlled vocabularies of the investment-promotion platform (domain.md §4–§6).

The database stores these Chinese terms as they are recorded on the platform, so that
an export or a SQL query reads the same words the users see.
"""
from __future__ import annotations

from enum import IntFlag

LEVELS = ("province", "city", "county")
PROVINCE_ADCODE = 520000

STAGES = {"up": "上游", "mid": "中游", "down": "下游"}

CHAIN_ACTIONS = ("建链", "补链", "强链", "延链")

SOURCE_REGIONS = ("粤港澳大湾区", "长三角", "京津冀", "成渝", "其他省外", "省内", "境外")

CHANNELS = ("驻点招商", "云招商", "以商招商", "产业链招商", "领导带头招商", "展会招商", "园区招商", "其他")

OWNERSHIP = ("国有", "民营", "外资", "港澳台", "混合所有制")

# Status as recorded on the platform today; figures "as of" a date use the lifecycle dates instead.
STATUS_SIGNED = "已签约"
STATUS_BUILDING = "在建"
STATUS_PRODUCING = "已投产"
STATUS_TERMINATED = "已终止"
STATUSES = (STATUS_SIGNED, STATUS_BUILDING, STATUS_PRODUCING, STATUS_TERMINATED)

VISIT_ENTERPRISE = "enterprise"
VISIT_ASSOCIATION = "association"
VISIT_KINDS = (VISIT_ENTERPRISE, VISIT_ASSOCIATION)


class QualityTag(IntFlag):
    """优强企业 types; an enterprise may carry several, stored as one bit mask."""

    GLOBAL500 = 1
    CHINA500 = 2
    PRIVATE500 = 4
    LISTED = 8
    LEADER = 16
    SPECIALISED = 32


QUALITY_TAG_LABELS = {
    QualityTag.GLOBAL500: "世界500强",
    QualityTag.CHINA500: "中国500强",
    QualityTag.PRIVATE500: "民营500强",
    QualityTag.LISTED: "上市公司",
    QualityTag.LEADER: "行业龙头",
    QualityTag.SPECIALISED: "专精特新",
}


def quality_labels(mask: int) -> list[str]:
    return [label for tag, label in QUALITY_TAG_LABELS.items() if mask & tag]
