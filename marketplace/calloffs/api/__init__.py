"""Call-off API under /api/v1/calloffs. One module per area registers its endpoints on `router`."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["calloffs"])

from marketplace.calloffs.api import award, common, desk, direct, ocds, offers  # noqa: E402, F401
