"""The sealed-offer guarantee through every path, before opening, for the buyer side, other suppliers and MPS staff.

Two suppliers offer with marker prices, texts and an attachment. Before the offers are opened (while tendering, and
after the deadline but before "open offers") no page of the calloffs app, no GET endpoint under /api/v1/calloffs/,
no admin page, no audit event and no selector row may contain any of the markers. The pages and endpoints are
enumerated from the URL configuration and the OpenAPI schema, so pages added by other areas are checked as well.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import URLPattern, reverse
from django.utils import timezone

from marketplace.accounts.models import Role
from marketplace.accounts.services import api_token_create
from marketplace.accounts.tests.factories import member
from marketplace.api import api
from marketplace.calloffs import urls as calloff_urls
from marketplace.calloffs.models import CallOff, ImpartialityDeclaration, Offer
from marketplace.calloffs.selectors import offers as offer_selectors
from marketplace.calloffs.services import offers
from marketplace.calloffs.tests.mini_world import acting, build_world, live_publish, move_deadline
from marketplace.core.models import AuditEvent

pytestmark = pytest.mark.django_db

PRICES = ("7654321.98", "2345678.12")
DESCRIPTIONS = ("Løsningsbeskrivelse QWERTY-ALFA", "Løsningsbeskrivelse QWERTY-BRAVO")
ATTACHMENT_TEXT = "VEDLEGG-HEMMELIGHET-42"


def price_forms(price: str) -> list[str]:
    whole, cents = price.split(".")
    grouped = f"{int(whole):,}"
    return [
        price,
        f"{whole},{cents}",
        f"{grouped.replace(',', ' ')},{cents}",
        f"{grouped.replace(',', chr(0xA0))},{cents}",
        f"{grouped.replace(',', '.')},{cents}",
        f"{grouped}.{cents}",
        whole,
    ]


MARKERS = [form for price in PRICES for form in price_forms(price)] + [
    *DESCRIPTIONS,
    "QWERTY",
    ATTACHMENT_TEXT,
    base64.b64encode(ATTACHMENT_TEXT.encode()).decode(),
]


def assert_sealed(text: str, where: str) -> None:
    for marker in MARKERS:
        assert marker not in text, f"{marker!r} leaked in {where}"


@pytest.fixture
def world():
    w = build_world()
    live_publish(w)
    for index in (0, 1):
        content = {"price_amount": PRICES[index], "description": DESCRIPTIONS[index]}
        if index == 0:
            content["attachment"] = {
                "name": "vedlegg.txt",
                "content_type": "text/plain",
                "base64": base64.b64encode(ATTACHMENT_TEXT.encode()).decode(),
            }
        offers.offer_submit(
            actor=acting(w.bidders[index], w.suppliers[index]),
            calloff=w.calloff,
            supplier=w.suppliers[index],
            content=content,
        )
    w.mps_admin.is_staff = True
    w.mps_admin.save(update_fields=["is_staff"])
    ImpartialityDeclaration.objects.create(
        calloff=w.calloff, user=w.evaluator, is_impartial=True, declared_at=timezone.now()
    )
    return w


def viewers(w):
    category_manager = member(w.mps_org, Role.CATEGORY_MANAGER, username="kategori")
    return {
        "buyer": (w.buyer, w.buyer_org),
        "evaluator": (w.evaluator, w.buyer_org),
        "approver": (w.approver, w.buyer_org),
        "org_admin": (w.org_admin, w.buyer_org),
        "mps_admin": (w.mps_admin, w.mps_org),
        "category_manager": (category_manager, w.mps_org),
        "own supplier": (w.bidders[0], w.suppliers[0]),
        "other supplier": (w.bidders[1], w.suppliers[1]),
        "supplier without offer": (w.bidders[2], w.suppliers[2]),
        "outsider": (w.outsider_bidder, w.outsider_supplier),
    }


def calloff_page_urls(calloff: CallOff) -> list[str]:
    """Every page of the calloffs app that takes just the call-off's pk (all areas' pages)."""
    found = []
    for pattern in calloff_urls.urlpatterns:
        if not isinstance(pattern, URLPattern) or not pattern.name:
            continue
        if set(pattern.pattern.converters) != {"pk"}:
            continue
        found.append(reverse(f"calloffs:{pattern.name}", kwargs={"pk": calloff.pk}))
    return found


def calloff_api_urls(calloff: CallOff) -> list[str]:
    """Every GET endpoint under /api/v1/calloffs/ with at most one path parameter (the call-off id)."""
    found = []
    for path, methods in api.get_openapi_schema()["paths"].items():
        if not path.startswith("/api/v1/calloffs") or "get" not in methods:
            continue
        params = [p for p in methods["get"].get("parameters", []) if p.get("in") == "path"]
        if len(params) > 1:
            continue
        if params:
            path = path.replace("{" + params[0]["name"] + "}", str(calloff.pk))
        found.append(path)
    return found


def body_of(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def check_every_path(w, login) -> int:
    checked = 0
    pages = calloff_page_urls(w.calloff)
    assert f"/avrop/{w.calloff.pk}/tilbud/" in pages
    assert f"/avrop/{w.calloff.pk}/minikonkurranse/" in pages
    api_paths = calloff_api_urls(w.calloff)
    assert f"/api/v1/calloffs/{w.calloff.pk}/offers/receipts" in api_paths
    for offer in Offer.objects.all():
        pages += [
            f"/avrop/{w.calloff.pk}/tilbud/{offer.pk}/",
            f"/avrop/{w.calloff.pk}/tilbud/{offer.pk}/vedlegg/",
        ]
    for name, (user, organisation) in viewers(w).items():
        client = login(user, organisation)
        for path in pages:
            response = client.get(path, follow=True)
            assert_sealed(body_of(response), f"{path} as {name}")
            checked += 1
        _, secret = api_token_create(actor=None, user=user, organisation=organisation)
        api_client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
        for path in api_paths:
            assert_sealed(body_of(api_client.get(path)), f"API {path} as {name}")
            checked += 1
        rows = offer_selectors.offer_rows_for(acting(user, organisation), w.calloff)
        assert all(row.price_amount is None for row in rows), name
        assert_sealed(repr(rows), f"offer_rows_for as {name}")
        assert_sealed(
            repr(offer_selectors.receipts_own(acting(user, organisation), w.calloff)), f"receipts as {name}"
        )
    # the admin, as MPS staff
    admin = login(w.mps_admin, w.mps_org)
    offer = Offer.objects.order_by("id").first()
    for path in [
        "/admin/calloffs/offer/",
        f"/admin/calloffs/offer/{offer.pk}/change/",
        "/admin/calloffs/calloff/",
        f"/admin/calloffs/calloff/{w.calloff.pk}/change/",
        "/admin/calloffs/offerreceipt/",
        "/admin/core/auditevent/",
    ]:
        response = admin.get(path)
        assert response.status_code == 200, path
        assert_sealed(body_of(response), f"admin {path}")
        checked += 1
    # searching the admin for a price finds nothing
    assert "0 resultater" in body_of(admin.get("/admin/calloffs/offer/?q=7654321"))
    # the audit chain
    for event in AuditEvent.objects.all():
        assert_sealed(json.dumps(event.data, ensure_ascii=False), f"audit {event.verb}")
    # the stored rows, apart from the ciphertext
    for row in Offer.objects.values():
        row.pop("sealed_content")
        assert row["opened_price_amount"] is None
        assert_sealed(repr(row), "offer row")
    return checked


def test_sealed_while_tendering(world, login):
    assert check_every_path(world, login) > 50


def test_sealed_after_the_deadline_until_opened(world, login):
    move_deadline(world.calloff, timezone.now() - dt.timedelta(seconds=1))
    assert check_every_path(world, login) > 50
    rows = offer_selectors.offer_rows_for(acting(world.buyer, world.buyer_org), world.calloff)
    assert [(r.supplier_name, r.version, r.price_amount) for r in rows] == [
        ("Fjellsky AS", 1, None),
        ("Nordsky AS", 1, None),
    ]


def test_buyer_sees_nothing_about_offers_before_the_deadline(world):
    for user, organisation in [(world.buyer, world.buyer_org), (world.mps_admin, world.mps_org)]:
        assert offer_selectors.offer_rows_for(acting(user, organisation), world.calloff) == []


def test_suppliers_see_only_their_own_receipt(world, login):
    own = Offer.objects.get(supplier=world.suppliers[0])
    other = Offer.objects.get(supplier=world.suppliers[1])
    body = (
        login(world.bidders[0], world.suppliers[0]).get(f"/avrop/{world.calloff.pk}/tilbud/").content.decode()
    )
    assert own.sha256 in body
    assert other.sha256 not in body
    body = (
        login(world.bidders[2], world.suppliers[2]).get(f"/avrop/{world.calloff.pk}/tilbud/").content.decode()
    )
    assert own.sha256 not in body
    assert other.sha256 not in body


def test_after_opening_the_buyer_sees_prices_and_suppliers_still_do_not(world, login):
    """The positive control: the same search finds the price once the buyer has opened the offers."""
    move_deadline(world.calloff, timezone.now() - dt.timedelta(seconds=1))
    offers.offers_open(actor=acting(world.buyer, world.buyer_org), calloff=world.calloff)
    body = (
        login(world.buyer, world.buyer_org)
        .get(f"/avrop/{world.calloff.pk}/minikonkurranse/")
        .content.decode()
    )
    assert "7654321,98" in body
    assert Offer.objects.get(supplier=world.suppliers[0]).opened_price_amount == Decimal(PRICES[0])
    content = offers.offer_content_get(
        actor=acting(world.buyer, world.buyer_org), offer=Offer.objects.get(supplier=world.suppliers[0])
    )
    assert content.attachment is not None
    assert content.attachment.data == ATTACHMENT_TEXT.encode()
    for user, organisation in [
        (world.bidders[1], world.suppliers[1]),
        (world.bidders[2], world.suppliers[2]),
    ]:
        client = login(user, organisation)
        for path in calloff_page_urls(world.calloff):
            assert_sealed(body_of(client.get(path, follow=True)), path)
    # the opening event lists hashes, not content
    event = AuditEvent.objects.get(verb="offers.opened")
    assert_sealed(json.dumps(event.data, ensure_ascii=False), "offers.opened")
    # admin shows the price only now
    body = login(world.mps_admin, world.mps_org).get("/admin/calloffs/offer/").content.decode()
    assert "7654321" in body


def test_question_asker_never_shown_to_other_suppliers(world, login):
    """Q&A answers go to every invited supplier without the asker: no page or endpoint names the asking supplier."""
    from marketplace.calloffs.services import mini

    asker = world.suppliers[0]
    question = mini.question_ask(
        actor=acting(world.bidders[0], asker),
        calloff=world.calloff,
        question="Kan leveransen deles i to faser?",
    )
    mini.question_answer(
        actor=acting(world.buyer, world.buyer_org), question=question, answer="Ja, i to faser."
    )
    for index in (1, 2):
        user, organisation = world.bidders[index], world.suppliers[index]
        client = login(user, organisation)
        _, secret = api_token_create(actor=None, user=user, organisation=organisation)
        api_client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
        seen_answer = False
        for path in calloff_page_urls(world.calloff):
            body = body_of(client.get(path, follow=True))
            seen_answer = seen_answer or "Ja, i to faser." in body
            for secret_text in (asker.name, asker.orgnr, world.bidders[0].username):
                assert secret_text not in body, f"{secret_text!r} on {path}"
        for path in calloff_api_urls(world.calloff):
            body = body_of(api_client.get(path))
            for secret_text in (asker.name, asker.orgnr, world.bidders[0].username):
                assert secret_text not in body, f"{secret_text!r} in API {path}"
        assert seen_answer
