"""Every FinOps page in a real browser, with the demo data: a FinOps analyst at NVE walks through the organisation's
pages (and opens an allocation setting to edit it), an MPS category manager through the cross-organisation ones and
the MPS settings (SKU mappings, exchange rates); the analyst is refused those. Each
page answers with its heading, no error, no CSP violation (the `page` fixture fails on one) and no serious axe-core
finding."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.helpers import assert_no_serious_axe_violations, login_as
from tests.e2e.server import E2EServer

ANALYST_PAGES = [
    ("/finops/", "FinOps – oversikt"),
    ("/finops/importer/", None),
    ("/finops/fordeling/", None),
    ("/finops/forpliktelser/", None),
    ("/finops/budsjett/", None),
    ("/finops/avvik/", None),
    ("/finops/lisenser/", None),
    ("/finops/klima/", None),
    ("/finops/priskontroll/", None),
    ("/finops/enhetskostnader/", None),
    ("/finops/ressurser/", None),
    ("/finops/lisenser/priser/", None),
]
MPS_PAGES = [
    ("/finops/mps/", "FinOps – samlet for MPS"),
    ("/finops/mps/budsjett/", None),
    ("/finops/mps/avvik/", None),
    ("/finops/mps/lisenser/", None),
    ("/finops/priskontroll/sku/", None),
    ("/finops/valutakurser/", None),
]


def _visit(page: Page, path: str, heading: str | None) -> None:
    response = page.goto(path)
    assert response is not None, path
    assert response.status == 200, f"{path}: {response.status}"
    h1 = page.get_by_role("heading", level=1)
    expect(h1).to_have_count(1)
    if heading:
        expect(h1).to_have_text(heading)
    else:
        expect(h1).not_to_be_empty()
    assert_no_serious_axe_violations(page)


def test_finops_analyst_pages(page: Page, e2e_server: E2EServer) -> None:
    login_as(page, "nve.finops")
    page.set_default_timeout(60_000)  # the first analysis in the server process imports Ibis/DuckDB/Altair
    for path, heading in ANALYST_PAGES:
        _visit(page, path, heading)

    # an allocation setting opens for editing from the showback page
    page.goto("/finops/fordeling/")
    edit = page.get_by_role("link", name=re.compile("^Endre")).first
    expect(edit).to_be_visible()
    edit.click()
    expect(page).to_have_url(re.compile(r"/finops/fordeling/(regel|kostnadssted|felles)/\d+/endre/$"))
    expect(page.get_by_role("heading", level=1)).not_to_be_empty()
    assert_no_serious_axe_violations(page)

    for path in ("/finops/priskontroll/sku/", "/finops/valutakurser/", "/finops/mps/"):
        response = page.goto(path)
        assert response is not None, path
        assert response.status == 403, path


def test_mps_aggregate_pages(page: Page, e2e_server: E2EServer) -> None:
    login_as(page, "dfo.kategori")
    page.set_default_timeout(60_000)
    for path, heading in MPS_PAGES:
        _visit(page, path, heading)
