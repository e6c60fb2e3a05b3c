"""Call-off pages: list, create (with the route preview), detail hub, cancel — happy paths and permission matrix."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from marketplace.accounts.models import Role
from marketplace.calloffs.models import CallOff
from marketplace.calloffs.services import common as services
from marketplace.calloffs.tests.common_helpers import DIRECT_RULE, need, world
from marketplace.catalogue.models import Mechanism
from marketplace.catalogue.services.shortlists import shortlist_create
from marketplace.catalogue.tests.factories import LotFactory
from marketplace.catalogue.tests.helpers import acting
from marketplace.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(buyer_org, other_buyer_org, supplier_org, make_member):
    return {
        "buyer": make_member(buyer_org, Role.BUYER),
        "evaluator": make_member(buyer_org, Role.EVALUATOR),
        "other": make_member(other_buyer_org, Role.BUYER),
        "supplier": make_member(supplier_org, Role.BIDDER),
    }


def client_for(login, people, who, buyer_org, other_buyer_org, supplier_org):
    orgs = {"buyer": buyer_org, "evaluator": buyer_org, "other": other_buyer_org, "supplier": supplier_org}
    if who == "anonymous":
        from django.test import Client

        return Client()
    return login(people[who], orgs[who])


@pytest.fixture
def as_(login, people, buyer_org, other_buyer_org, supplier_org):
    return lambda who: client_for(login, people, who, buyer_org, other_buyer_org, supplier_org)


@pytest.fixture
def w(buyer_org, other_buyer_org):
    w = world(buyer_org)
    w.framework.participants.add(other_buyer_org)
    return w


@pytest.fixture
def calloff(buyer_org, w):
    actor = acting(buyer_org, Role.BUYER)
    calloff, _ = services.calloff_create(actor=actor, buyer=buyer_org, **need(w))
    return calloff


def post_data(w, **overrides):
    data = {
        "framework": w.framework.pk,
        "lot": w.lot.pk,
        "title": "Lagring for fagsystem",
        "description": "Objektlagring for hydrologiske data.",
        "estimated_value_amount": "400000",
        "period_starts_on": "2027-01-01",
        "period_ends_on": "2027-12-31",
        "action": "create",
    }
    data.update(overrides)
    return data


def is_login_redirect(response):
    return response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


# --- list ---


@pytest.mark.parametrize(
    ("who", "sees"), [("buyer", True), ("evaluator", True), ("other", False), ("supplier", False)]
)
def test_list_shows_own_calloffs_only(as_, calloff, who, sees):
    response = as_(who).get(reverse("calloffs:list"))
    assert response.status_code == 200
    assert (calloff.reference in response.content.decode()) is sees


def test_list_anonymous_redirects(as_):
    assert is_login_redirect(as_("anonymous").get(reverse("calloffs:list")))


def test_list_filters_by_state(as_, calloff, buyer_org, w):
    actor = acting(buyer_org, Role.BUYER)
    cancelled, _ = services.calloff_create(actor=actor, buyer=buyer_org, **need(w, title="Annet"))
    services.calloff_cancel(actor=actor, calloff=cancelled, reason="Feil")
    client = as_("buyer")
    body = client.get(reverse("calloffs:list"), {"state": "cancelled"}).content.decode()
    assert cancelled.reference in body
    assert calloff.reference not in body
    body = client.get(reverse("calloffs:list"), {"state": "draft"}).content.decode()
    assert calloff.reference in body
    assert cancelled.reference not in body
    assert client.get(reverse("calloffs:list")).content.decode().count('data-state="') == 2
    # an unknown state is ignored (all shown)
    assert client.get(reverse("calloffs:list"), {"state": "x"}).status_code == 200


# --- create ---


@pytest.mark.parametrize(("who", "status"), [("buyer", 200), ("evaluator", 403), ("supplier", 403)])
def test_create_page_matrix(as_, w, who, status):
    assert as_(who).get(reverse("calloffs:create")).status_code == status


def test_create_page_anonymous_redirects(as_):
    assert is_login_redirect(as_("anonymous").get(reverse("calloffs:create")))


def test_create_happy_path(as_, w, buyer_org):
    response = as_("buyer").post(reverse("calloffs:create"), post_data(w))
    calloff = CallOff.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("calloffs:detail", args=[calloff.pk])
    assert calloff.buyer == buyer_org
    assert calloff.mechanism == Mechanism.DIRECT
    assert calloff.estimated_value_amount == Decimal("400000")
    assert calloff.period_starts_on == dt.date(2027, 1, 1)


def test_create_prefills_framework_and_shortlist(as_, w, buyer_org, people):
    from marketplace.accounts.middleware import activate

    activate(people["buyer"], buyer_org)
    shortlist = shortlist_create(actor=people["buyer"], name="Kandidater")
    body = (
        as_("buyer")
        .get(reverse("calloffs:create"), {"framework": w.framework.pk, "shortlist": shortlist.pk})
        .content.decode()
    )
    assert f'<option value="{w.framework.pk}" selected>' in body
    assert f'<option value="{shortlist.pk}" selected>' in body


def test_create_preview_shows_route_and_stores_nothing(as_, w):
    before = (CallOff.objects.count(), AuditEvent.objects.count())
    response = as_("buyer").post(
        reverse("calloffs:create"),
        post_data(w, action="preview", estimated_value_amount="2000000", needs_customisation="on"),
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Rammeavtalens regel gir: Minikonkurranse" in body
    assert "Del III (over EØS-terskel)" in body
    assert (CallOff.objects.count(), AuditEvent.objects.count()) == before


def test_create_preview_of_direct_quotes_rule(as_, w):
    body = as_("buyer").post(reverse("calloffs:create"), post_data(w, action="preview")).content.decode()
    assert "Rammeavtalens regel gir: Direkte avrop" in body
    assert DIRECT_RULE in body


def test_create_wrong_lot_shows_norwegian_error(as_, w, buyer_org):
    other = world(buyer_org)
    before = (CallOff.objects.count(), AuditEvent.objects.count())
    response = as_("buyer").post(reverse("calloffs:create"), post_data(w, lot=other.lot.pk))
    assert response.status_code == 400
    assert "Delkontrakten hører ikke til rammeavtalen" in response.content.decode()
    assert (CallOff.objects.count(), AuditEvent.objects.count()) == before


def test_create_lot_outside_offered_frameworks_is_invalid_choice(as_, w):
    response = as_("buyer").post(reverse("calloffs:create"), post_data(w, lot=LotFactory().pk))
    assert response.status_code == 400
    assert "Velg en delkontrakt fra listen." in response.content.decode()
    assert CallOff.objects.count() == 0


def test_create_over_maximum_shows_error(as_, w):
    w.framework.max_value_amount = Decimal("300000")
    w.framework.save()
    response = as_("buyer").post(reverse("calloffs:create"), post_data(w))
    assert response.status_code == 400
    assert "maksimale verdi" in response.content.decode()
    assert CallOff.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_create_missing_fields(as_, w):
    response = as_("buyer").post(reverse("calloffs:create"), {"action": "create"})
    body = response.content.decode()
    assert response.status_code == 400
    for message in ("Velg rammeavtale.", "Gi avropet en tittel.", "Beskriv behovet.", "Oppgi anslått verdi."):
        assert message in body
    assert CallOff.objects.count() == 0


def test_create_framework_of_other_org_is_not_offered(as_, buyer_org):
    foreign = world(None)
    response = as_("buyer").post(reverse("calloffs:create"), post_data(foreign))
    assert response.status_code == 400
    assert "Velg en rammeavtale fra listen." in response.content.decode()
    assert CallOff.objects.count() == 0


def test_create_post_by_evaluator_is_denied(as_, w):
    assert as_("evaluator").post(reverse("calloffs:create"), post_data(w)).status_code == 403
    assert CallOff.objects.count() == 0
    assert AuditEvent.objects.count() == 0


# --- detail ---


@pytest.mark.parametrize(
    ("who", "status"), [("buyer", 200), ("evaluator", 200), ("other", 404), ("supplier", 404)]
)
def test_detail_matrix(as_, calloff, who, status):
    assert as_(who).get(reverse("calloffs:detail", args=[calloff.pk])).status_code == status


def test_detail_anonymous_redirects(as_, calloff):
    assert is_login_redirect(as_("anonymous").get(reverse("calloffs:detail", args=[calloff.pk])))


def test_detail_missing_is_404(as_):
    assert as_("buyer").get(reverse("calloffs:detail", args=[999999])).status_code == 404


def test_detail_shows_facts_route_state_and_timeline(as_, calloff):
    body = as_("buyer").get(reverse("calloffs:detail", args=[calloff.pk])).content.decode()
    assert calloff.reference in body
    assert 'data-state="draft"' in body
    assert DIRECT_RULE in body
    assert "Avrop opprettet" in body
    assert "Avlys avropet" in body


def test_detail_evaluator_sees_no_cancel_button(as_, calloff):
    body = as_("evaluator").get(reverse("calloffs:detail", args=[calloff.pk])).content.decode()
    assert "Avlys avropet" not in body
    assert "Avrop opprettet" in body


# --- cancel ---


@pytest.mark.parametrize(
    ("who", "status"), [("buyer", 200), ("evaluator", 403), ("other", 404), ("supplier", 404)]
)
def test_cancel_page_matrix(as_, calloff, who, status):
    assert as_(who).get(reverse("calloffs:cancel", args=[calloff.pk])).status_code == status


@pytest.mark.parametrize(("who", "status"), [("evaluator", 403), ("other", 404), ("supplier", 404)])
def test_cancel_post_denied_changes_nothing(as_, calloff, who, status):
    before = AuditEvent.objects.count()
    response = as_(who).post(reverse("calloffs:cancel", args=[calloff.pk]), {"reason": "Ikke lenger behov"})
    assert response.status_code == status
    calloff.refresh_from_db()
    assert calloff.cancelled_at is None
    assert AuditEvent.objects.count() == before


def test_cancel_anonymous_redirects(as_, calloff):
    assert is_login_redirect(
        as_("anonymous").post(reverse("calloffs:cancel", args=[calloff.pk]), {"reason": "x"})
    )
    calloff.refresh_from_db()
    assert calloff.cancelled_at is None


def test_cancel_happy_path(as_, calloff):
    response = as_("buyer").post(
        reverse("calloffs:cancel", args=[calloff.pk]), {"reason": "Ikke lenger behov"}
    )
    assert response.status_code == 302
    calloff.refresh_from_db()
    assert calloff.cancelled_at is not None
    assert calloff.cancel_reason == "Ikke lenger behov"
    body = as_("buyer").get(reverse("calloffs:detail", args=[calloff.pk])).content.decode()
    assert 'data-state="cancelled"' in body
    assert "Avrop avlyst" in body


def test_cancel_missing_reason_shows_error(as_, calloff):
    before = AuditEvent.objects.count()
    response = as_("buyer").post(reverse("calloffs:cancel", args=[calloff.pk]), {"reason": "  "})
    assert response.status_code == 400
    assert "Skriv hvorfor avropet avlyses." in response.content.decode()
    calloff.refresh_from_db()
    assert calloff.cancelled_at is None
    assert AuditEvent.objects.count() == before


def test_cancel_after_signing_is_conflict(as_, calloff):
    CallOff.objects.filter(pk=calloff.pk).update(contract_signed_at=dt.datetime(2026, 6, 1, tzinfo=dt.UTC))
    response = as_("buyer").post(reverse("calloffs:cancel", args=[calloff.pk]), {"reason": "For sent"})
    assert response.status_code == 409
    assert "etter at kontrakten er signert" in response.content.decode()
    calloff.refresh_from_db()
    assert calloff.cancelled_at is None


# --- entry points ---


def test_nav_and_framework_page_link_to_calloffs(as_, w):
    client = as_("buyer")
    body = client.get(reverse("catalogue:framework_detail", args=[w.framework.pk])).content.decode()
    assert f'href="{reverse("calloffs:create")}?framework={w.framework.pk}"' in body
    assert f'href="{reverse("calloffs:list")}"' in body
    assert (
        f"{reverse('calloffs:create')}?framework"
        not in as_("evaluator")
        .get(reverse("catalogue:framework_detail", args=[w.framework.pk]))
        .content.decode()
    )


def test_preview_with_incomplete_need_explains_in_the_preview(as_, w):
    response = as_("buyer").post(
        reverse("calloffs:create"), {"framework": w.framework.pk, "action": "preview"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "oppgi anslått verdi for å se hvilken avropsform" in response.content.decode()
    assert "Gi avropet en tittel." not in response.content.decode()


def test_preview_refusal_is_shown_in_the_preview(as_, w):
    w.framework.max_value_amount = Decimal("100000")
    w.framework.save()
    response = as_("buyer").post(reverse("calloffs:create"), post_data(w, action="preview"))
    assert response.status_code == 200
    assert "maksimale verdi" in response.content.decode()
    assert CallOff.objects.count() == 0


def test_framework_chosen_up_front_limits_lots(as_, w, buyer_org):
    other = world(buyer_org)
    body = as_("buyer").get(reverse("calloffs:create"), {"framework": w.framework.pk}).content.decode()
    assert f"{w.framework.name} – 1: IaaS</option>" in body
    assert f"{other.framework.name} – 1: IaaS</option>" not in body
    assert f">{other.framework.name}</option>" in body  # the framework itself can still be chosen


# --- edit need ---


def need_post(**overrides):
    data = {
        "title": "Lagring og beregning",
        "description": "Også beregning.",
        "estimated_value_amount": "2000000",
        "period_starts_on": "2027-01-01",
        "period_ends_on": "2027-12-31",
        "needs_customisation": "on",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("who", "status"), [("buyer", 200), ("evaluator", 403), ("other", 404), ("supplier", 404)]
)
def test_edit_need_page_matrix(as_, calloff, who, status):
    assert as_(who).get(reverse("calloffs:edit_need", args=[calloff.pk])).status_code == status


def test_edit_need_anonymous_redirects(as_, calloff):
    assert is_login_redirect(
        as_("anonymous").post(reverse("calloffs:edit_need", args=[calloff.pk]), need_post())
    )


def test_edit_need_rederives_route(as_, calloff):
    response = as_("buyer").post(reverse("calloffs:edit_need", args=[calloff.pk]), need_post())
    assert response.status_code == 302
    calloff.refresh_from_db()
    assert calloff.mechanism == Mechanism.MINI_COMPETITION
    assert calloff.title == "Lagring og beregning"
    assert calloff.invitations.count() == 3


@pytest.mark.parametrize(("who", "status"), [("evaluator", 403), ("other", 404)])
def test_edit_need_denied_changes_nothing(as_, calloff, who, status):
    before = AuditEvent.objects.count()
    assert as_(who).post(reverse("calloffs:edit_need", args=[calloff.pk]), need_post()).status_code == status
    calloff.refresh_from_db()
    assert calloff.mechanism == Mechanism.DIRECT
    assert AuditEvent.objects.count() == before


def test_edit_need_bad_input(as_, calloff):
    before = AuditEvent.objects.count()
    response = as_("buyer").post(
        reverse("calloffs:edit_need", args=[calloff.pk]), need_post(period_ends_on="2026-01-01")
    )
    assert response.status_code == 400
    assert "Kontraktsperioden må slutte" in response.content.decode()
    assert AuditEvent.objects.count() == before


def test_edit_need_refused_after_publication(as_, calloff):
    CallOff.objects.filter(pk=calloff.pk).update(published_at=dt.datetime(2026, 6, 1, tzinfo=dt.UTC))
    response = as_("buyer").post(reverse("calloffs:edit_need", args=[calloff.pk]), need_post())
    assert response.status_code == 409
    assert "bare endres mens avropet er et utkast" in response.content.decode()
    calloff.refresh_from_db()
    assert calloff.mechanism == Mechanism.DIRECT
