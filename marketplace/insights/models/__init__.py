"""Insights models, one module per area; each area appends its import line here."""

from marketplace.insights.models.community import *  # noqa: F403  (knowledge area)
from marketplace.insights.models.forum import *  # noqa: F403  (knowledge area)
from marketplace.insights.models.knowledge import *  # noqa: F403  (knowledge area)
from marketplace.insights.models.notices import BuyerKind, Notice, NoticeAward, NoticeKind, NoticeLot  # noqa: F401
from marketplace.insights.models.programmes import *  # noqa: F403  (statistics area)
from marketplace.insights.models.survey import *  # noqa: F403  (knowledge area)
