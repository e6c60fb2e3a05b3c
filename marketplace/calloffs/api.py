"""Call-off API: offers (`POST /api/v1/calloffs/{id}/offers`), OCDS (`GET /api/v1/calloffs/{id}/ocds`)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["calloffs"])
