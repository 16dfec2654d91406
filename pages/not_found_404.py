"""Any path the cockpit does not have: a page in Chinese with a way back (Dash's page router
shows the page of a module named not_found_404 for unknown paths)."""
from __future__ import annotations

import dash

from components.panels import refusal
from views.runtime import current


def layout(**_query):
    return refusal("页面不存在", "没有这个页面，请检查地址或从导航进入。", current().urls.build("overview"), "返回总览",
                   page_id="page-not-found")


dash.register_page(__name__, path="/404", name="页面不存在", title="页面不存在 · 贵州省招商引资驾驶舱", layout=layout)
