"""Insights models, one module per area; each area appends its import line here."""

from marketplace.insights.models.notices import BuyerKind, Notice, NoticeAward, NoticeKind, NoticeLot  # noqa: F401
