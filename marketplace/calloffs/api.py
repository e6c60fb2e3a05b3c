"""Call-off API: offers (`POST /api/v1/calloffs/{id}/offers`), OCDS (`GET /api/v1/calloffs/{id}/ocds`)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["calloffs"])


# --- ocds ---
from typing import Any  # noqa: E402

from django.http import HttpRequest  # noqa: E402
from django.utils import timezone  # noqa: E402

from marketplace.api import auth_optional  # noqa: E402


@router.get(
    "/calloffs/{calloff_id}/ocds",
    auth=auth_optional,
    summary="OCDS-utgivelsespakke for ett avrop",
    description=(
        "Åpne data (OCDS 1.1): en release package med én utgivelse for avropet. Offentlig for publiserte avrop "
        "(minikonkurranse fra invitasjonen, direkte avrop og skrivebordskonkurranse fra tildelingsmeddelelsen); "
        "kjøpers egne brukere og DFØ kan også hente forhåndsvisning av upubliserte avrop med API-nøkkel. "
        "Tilbud publiseres aldri."
    ),
)
def calloff_ocds(request: HttpRequest, calloff_id: int) -> dict[str, Any]:
    from marketplace.calloffs.ocds import release_package
    from marketplace.calloffs.selectors.ocds import calloff_ocds_get

    calloff = calloff_ocds_get(getattr(request, "auth", None), calloff_id)
    return release_package(calloff, now=timezone.now())
