"""The FinOps chart helpers. The generic part (ChartTable, Column, CSV, specs) lives in `marketplace.core.charts` and
is re-exported here so FinOps code keeps importing it from this module; the section navigation is FinOps' own."""

from __future__ import annotations

from typing import Any

from marketplace.core.charts import *  # noqa: F403
from marketplace.core.charts import url_or_none
from marketplace.finops import nav


def nav_entries(current: str) -> list[dict[str, Any]]:
    """The FinOps section navigation: the pages of nav.PAGES whose URL names resolve."""
    entries = []
    for name, label in nav.PAGES:
        url = url_or_none(name)
        if url is not None:
            entries.append({"url": url, "label": str(label), "is_current": name == current})
    return entries
