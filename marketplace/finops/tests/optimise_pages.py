"""The permission matrix of the optimisation pages, shared by their tests."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.shortcuts import resolve_url

from marketplace.accounts.models import Role
from marketplace.accounts.tests.factories import OrganisationFactory, member


def assert_page_matrix(
    client: Any, url: str, organisation: Any, secret: str, *, mps_status: int = 403
) -> str:
    """Anonymous → log-in; another organisation's analyst sees its own (empty) page without `secret`; same
    organisation without a FinOps role → 403; MPS staff → `mps_status` (403: aggregates are elsewhere); analyst and org admin →
    200 with `secret`. Returns the analyst's page."""
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))
    client.force_login(member(OrganisationFactory(), Role.FINOPS_ANALYST))
    response = client.get(url)
    assert response.status_code == 200
    assert secret not in response.content.decode()
    client.force_login(member(organisation, Role.BUYER))
    assert client.get(url).status_code == 403
    client.force_login(member(OrganisationFactory(), Role.MPS_ADMIN))
    assert client.get(url).status_code == mps_status
    client.force_login(member(organisation, Role.ORG_ADMIN))
    assert client.get(url).status_code == 200
    client.force_login(member(organisation, Role.FINOPS_ANALYST))
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert secret in page
    return page
