"""Insights models, one module per area; each area appends its import line here."""

from marketplace.insights.models.programmes import *  # noqa: F403  (statistics area)
