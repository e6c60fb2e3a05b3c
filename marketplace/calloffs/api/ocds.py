"""Call-off API: open data. `GET /api/v1/calloffs/{id}/ocds` returns the call-off's OCDS 1.1 release package."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from marketplace.api import auth_optional
from marketplace.calloffs.api import router
from marketplace.calloffs.ocds import release_package
from marketplace.calloffs.selectors.ocds import calloff_ocds_get


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
    calloff = calloff_ocds_get(getattr(request, "auth", None), calloff_id)
    return release_package(calloff, now=timezone.now())
