"""Desk pages: permission matrix, basket editor (with "legg til rad" without JS), requirements, evaluate,
calculation page, CSV and JSON downloads, and the panel on the call-off page."""

from __future__ import annotations

import csv
import hashlib
import io
from decimal import Decimal

import pytest
import time_machine
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from marketplace.accounts.models import Role
from marketplace.accounts.tests.factories import member
from marketplace.calloffs.models import BasketLine, DeskCriterion, Evaluation
from marketplace.calloffs.services.desk import basket_set, desk_evaluate, desk_requirements_set
from marketplace.calloffs.tests.desk_data import BASKET, NOW, desk_world
from marketplace.core.models import AuditEvent


@pytest.fixture
def world(buyer_org):
    return desk_world(buyer_org)


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def evaluated(world):
    basket_set(actor=world.buyer, calloff=world.calloff, lines=BASKET, now=NOW)
    desk_requirements_set(
        actor=world.buyer,
        calloff=world.calloff,
        requirements=["data_in_eea"],
        optional=["iso_27001"],
        now=NOW,
    )
    return desk_evaluate(actor=world.buyer, calloff=world.calloff, now=NOW)


def url(name, calloff):
    return reverse(f"calloffs:{name}", args=[calloff.pk])


def _state(calloff):
    calloff.refresh_from_db()
    return (
        BasketLine.objects.filter(calloff=calloff).count(),
        DeskCriterion.objects.filter(calloff=calloff).count(),
        Evaluation.objects.filter(calloff=calloff).count(),
        calloff.evaluated_at,
        AuditEvent.objects.count(),
    )


# --- permission matrix --------------------------------------------------------------------------------------------

GET_VIEWS = [
    "desk_calculation",
    "desk_basket",
    "desk_requirements",
    "desk_calculation_csv",
    "desk_inputs_download",
]
READ_VIEWS = {"desk_calculation", "desk_calculation_csv", "desk_inputs_download"}
POSTS = {
    "desk_basket": {
        "linje-TOTAL_FORMS": "1",
        "linje-INITIAL_FORMS": "0",
        "linje-0-unit": "user_month",
        "linje-0-quantity": "300",
    },
    "desk_requirements": {"krav_iso_27001": "mandatory"},
    "desk_evaluate": {},
}


@pytest.mark.parametrize("name", GET_VIEWS)
def test_get_matrix(evaluated, world, buyer_org, other_buyer_org, mps_org, login, name):
    target = url(name, world.calloff)
    response = Client().get(target)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    other = member(other_buyer_org, Role.BUYER)
    assert login(other, other_buyer_org).get(target).status_code == 404
    supplier = member(world.nordsky.supplier, Role.BIDDER)
    assert login(supplier, world.nordsky.supplier).get(target).status_code == 404
    evaluator = member(buyer_org, Role.EVALUATOR)
    assert login(evaluator, buyer_org).get(target).status_code == (200 if name in READ_VIEWS else 403)
    staff = member(mps_org, Role.MPS_ADMIN)
    assert login(staff, mps_org).get(target).status_code == (200 if name in READ_VIEWS else 403)
    assert login(world.buyer, buyer_org).get(target).status_code == 200


@pytest.mark.parametrize("name", list(POSTS))
def test_post_matrix_denied_changes_nothing(world, buyer_org, other_buyer_org, mps_org, login, name):
    basket_set(actor=world.buyer, calloff=world.calloff, lines=BASKET, now=NOW)
    before = _state(world.calloff)
    target = url(name, world.calloff)
    assert Client().post(target, POSTS[name]).status_code == 302
    other = member(other_buyer_org, Role.BUYER)
    assert login(other, other_buyer_org).post(target, POSTS[name]).status_code == 404
    supplier = member(world.nordsky.supplier, Role.BIDDER)
    assert login(supplier, world.nordsky.supplier).post(target, POSTS[name]).status_code == 404
    for role in (Role.EVALUATOR, Role.APPROVER, Role.ORG_ADMIN):
        assert login(member(buyer_org, role), buyer_org).post(target, POSTS[name]).status_code == 403
    assert login(member(mps_org, Role.MPS_ADMIN), mps_org).post(target, POSTS[name]).status_code == 403
    assert _state(world.calloff) == before
    response = login(world.buyer, buyer_org).post(target, POSTS[name])
    assert response.status_code == 302
    assert response["Location"] == url("desk_calculation", world.calloff)
    assert _state(world.calloff) != before


# --- basket editor ------------------------------------------------------------------------------------------------


def test_basket_editor_shows_saved_lines_and_one_empty_row(world, buyer_org, login):
    basket_set(actor=world.buyer, calloff=world.calloff, lines=BASKET, now=NOW)
    response = login(world.buyer, buyer_org).get(url("desk_basket", world.calloff))
    formset = response.context["formset"]
    assert formset.total_form_count() == 4
    assert [form.initial.get("quantity") for form in formset.forms] == ["350400", "20480", "60000", None]
    body = response.content.decode()
    assert "vCPU-time" in body
    assert "GiB-måned (lagring)" in body
    assert "Legg til rad" in body


def test_empty_basket_starts_with_three_rows(world, buyer_org, login):
    response = login(world.buyer, buyer_org).get(url("desk_basket", world.calloff))
    assert response.context["formset"].total_form_count() == 3


def test_add_row_without_javascript_keeps_what_was_typed(world, buyer_org, login):
    data = {
        "linje-TOTAL_FORMS": "1",
        "linje-INITIAL_FORMS": "0",
        "linje-0-unit": "vcpu_hour",
        "linje-0-quantity": "350 400",
        "linje-0-description": "Beregning",
        "legg_til_rad": "1",
    }
    response = login(world.buyer, buyer_org).post(url("desk_basket", world.calloff), data)
    assert response.status_code == 200  # re-rendered with one more row, nothing saved
    formset = response.context["formset"]
    assert formset.total_form_count() == 2
    assert formset.forms[0]["quantity"].value() == "350 400"
    assert BasketLine.objects.count() == 0


def test_basket_save_with_norwegian_numbers_and_removal(world, buyer_org, login):
    data = {
        "linje-TOTAL_FORMS": "4",
        "linje-INITIAL_FORMS": "0",
        "linje-0-unit": "vcpu_hour",
        "linje-0-quantity": "350 400",
        "linje-1-unit": "gib_month",
        "linje-1-quantity": "20480,5",
        "linje-1-description": "Lagring",
        "linje-2-unit": "user_month",
        "linje-2-quantity": "300",
        "linje-2-DELETE": "on",
        # row 3 left empty
    }
    response = login(world.buyer, buyer_org).post(url("desk_basket", world.calloff), data)
    assert response.status_code == 302
    assert list(BasketLine.objects.values_list("position", "unit", "quantity", "description")) == [
        (1, "vcpu_hour", Decimal("350400.0000"), ""),
        (2, "gib_month", Decimal("20480.5000"), "Lagring"),
    ]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"linje-0-unit": "", "linje-0-quantity": "5"}, "Linje 1, Enhet: Velg enhet."),
        (
            {"linje-0-unit": "liter", "linje-0-quantity": "5"},
            "Linje 1, Enhet: Velg en enhet fra prislistenes enheter.",
        ),
        (
            {"linje-0-unit": "vcpu_hour", "linje-0-quantity": "0"},
            "Linje 1, Mengde: Mengden må være større enn null.",
        ),
        (
            {"linje-0-unit": "vcpu_hour", "linje-0-quantity": "mye"},
            "Linje 1, Mengde: Skriv mengden som et tall, for eksempel 350400 eller 20,5.",
        ),
        ({"linje-0-unit": "vcpu_hour", "linje-0-quantity": ""}, "Linje 1, Mengde: Skriv mengden."),
        ({}, "Legg inn minst én linje i handlekurven."),
        (
            {"linje-0-unit": "vcpu_hour", "linje-0-quantity": "1,123456"},
            "Mengden kan ha høyst fire desimaler.",
        ),
    ],
)
def test_bad_basket_gets_norwegian_errors_and_stores_nothing(world, buyer_org, login, row, message):
    basket_set(actor=world.buyer, calloff=world.calloff, lines=BASKET, now=NOW)
    before = _state(world.calloff)
    data = {"linje-TOTAL_FORMS": "1", "linje-INITIAL_FORMS": "0", **row}
    response = login(world.buyer, buyer_org).post(url("desk_basket", world.calloff), data)
    assert response.status_code == 400
    assert message in [text for _anchor, text in response.context["error_items"]]
    assert message in response.content.decode()
    assert _state(world.calloff) == before


def test_basket_after_evaluation_is_refused_with_a_message(evaluated, world, buyer_org, login):
    before = _state(world.calloff)
    response = login(world.buyer, buyer_org).post(url("desk_basket", world.calloff), POSTS["desk_basket"])
    assert response.status_code == 400
    assert "Handlekurven og kravene kan bare endres mens avropet er et utkast." in response.content.decode()
    assert _state(world.calloff) == before


# --- requirements -------------------------------------------------------------------------------------------------


def test_requirements_form_round_trip(world, buyer_org, login):
    client = login(world.buyer, buyer_org)
    response = client.post(
        url("desk_requirements", world.calloff),
        {"krav_data_in_norway": "mandatory", "krav_norwegian_support": "optional", "krav_iso_27001": ""},
    )
    assert response.status_code == 302
    assert sorted(DeskCriterion.objects.values_list("requirement", "is_mandatory")) == [
        ("data_in_norway", True),
        ("norwegian_support", False),
    ]
    form = client.get(url("desk_requirements", world.calloff)).context["form"]
    assert form.initial == {"krav_data_in_norway": "mandatory", "krav_norwegian_support": "optional"}


def test_bad_requirement_choice_stores_nothing(world, buyer_org, login):
    before = _state(world.calloff)
    response = login(world.buyer, buyer_org).post(
        url("desk_requirements", world.calloff), {"krav_iso_27001": "x"}
    )
    assert response.status_code == 400
    assert "Gyldig ISO/IEC 27001: Velg et av alternativene." in response.content.decode()
    assert _state(world.calloff) == before


# --- evaluate and the calculation ---------------------------------------------------------------------------------


def test_evaluate_without_basket_shows_a_message(world, buyer_org, login):
    before = _state(world.calloff)
    response = login(world.buyer, buyer_org).post(url("desk_evaluate", world.calloff), follow=True)
    assert "Legg inn handlekurven før du beregner." in response.content.decode()
    assert _state(world.calloff) == before


def test_calculation_page_shows_every_line_rank_exclusion_and_hash(evaluated, world, buyer_org, login):
    response = login(world.buyer, buyer_org).get(url("desk_calculation", world.calloff))
    body = response.content.decode()
    assert response.context["evaluation"] == evaluated
    assert [(r["rank"], r["supplier_name"]) for r in response.context["ranking"]] == [
        (1, "Fjellskyen AS"),
        (2, "Nordsky AS"),
    ]
    assert evaluated.inputs_hash in body
    assert "189\u00a0312\u00a0kr" in body  # Fjellskyen's total
    assert "157\u00a0680\u00a0kr" in body  # Nordsky: 350 400 × 0,4500
    assert "350\u00a0400" in body
    assert "0,4500&nbsp;kr" in body
    assert "9,82" in body
    assert "Data lagres i EØS – absolutt krav" in body  # the summary of what is stored now
    assert "Atlanterhavet Sky AS" in body
    assert "Oppfyller ikke kravet «Data lagres i EØS»." in body
    assert "Prislisten mangler enheten «GB utgående trafikk» – kan ikke levere handlekurven." in body
    assert "Lineær: poeng = 10 − 1 × 10 × (P − Pb) / Pb" in body
    assert "Gyldig ISO/IEC 27001: ikke oppfylt (til orientering)" in body  # Fjellskyen's certificate expired


def test_calculation_history_and_choice(evaluated, world, buyer_org, login):
    later = desk_evaluate(actor=world.buyer, calloff=world.calloff, now=NOW)
    client = login(world.buyer, buyer_org)
    latest = client.get(url("desk_calculation", world.calloff))
    assert latest.context["evaluation"] == later
    assert [e.pk for e in latest.context["history"]] == [later.pk, evaluated.pk]
    older = client.get(url("desk_calculation", world.calloff), {"evaluering": evaluated.pk})
    assert older.context["evaluation"] == evaluated
    assert "Dette er en tidligere beregning." in older.content.decode()
    assert client.get(url("desk_calculation", world.calloff), {"evaluering": 999999}).status_code == 404


def test_calculation_csv(evaluated, world, buyer_org, login):
    response = login(world.buyer, buyer_org).get(url("desk_calculation_csv", world.calloff))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["X-Content-Hash"] == evaluated.inputs_hash
    assert (
        response["Content-Disposition"] == f'attachment; filename="AV-2026-0042-beregning-{evaluated.pk}.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Avrop", "AV-2026-0042"]
    assert rows[1] == ["Evalueringsdato", "2026-11-27"]
    assert rows[2] == ["Grunnlag-hash (SHA-256)", evaluated.inputs_hash]
    assert rows[5][:4] == ["Rangering", "Leverandør", "Linje", "Enhet"]
    assert rows[6] == [
        "1",
        "Fjellskyen AS",
        "1",
        "vCPU-time",
        "350400.0000",
        "K-FS-1-1",
        "0.4200",
        "147168.00000000",
        "189312.00",
        "10.00",
        "10.00",
    ]
    assert rows[9][:2] == ["2", "Nordsky AS"]
    assert rows[-1] == [
        "",
        "Atlanterhavet Sky AS",
        "Prislisten mangler enheten «GB utgående trafikk» – kan ikke levere handlekurven. "
        "Oppfyller ikke kravet «Data lagres i EØS».",
    ]


def test_inputs_download_hashes_to_the_inputs_hash(evaluated, world, buyer_org, login):
    response = login(world.buyer, buyer_org).get(url("desk_inputs_download", world.calloff))
    assert hashlib.sha256(response.content).hexdigest() == evaluated.inputs_hash


def test_downloads_404_before_any_evaluation(world, buyer_org, login):
    client = login(world.buyer, buyer_org)
    assert client.get(url("desk_calculation_csv", world.calloff)).status_code == 404
    assert client.get(url("desk_inputs_download", world.calloff)).status_code == 404
    page = client.get(url("desk_calculation", world.calloff))
    assert page.status_code == 200
    assert "Handlekurven er tom." in page.content.decode()


# --- panel --------------------------------------------------------------------------------------------------------


def _panel(world, user, organisation, roles, state="draft"):
    return render_to_string(
        "calloffs/desk/_panel.html",
        {
            "calloff": world.calloff,
            "state": state,
            "user": user,
            "active_organisation": organisation,
            "active_roles": frozenset(roles),
        },
    )


def test_panel_for_the_buyer(evaluated, world, buyer_org):
    html = _panel(world, world.buyer, buyer_org, {"buyer"}, state="evaluation")
    assert "350\u00a0400 vCPU-time" in html
    assert "Data lagres i EØS" in html
    assert "Rangert først: Fjellskyen AS." in html
    assert reverse("calloffs:desk_evaluate", args=[world.calloff.pk]) in html
    assert "Beregn på nytt" in html
    assert reverse("calloffs:desk_calculation", args=[world.calloff.pk]) in html
    assert "Rediger handlekurv" not in html  # locked once evaluated


def test_panel_for_a_draft_and_for_other_roles(world, buyer_org):
    html = _panel(world, world.buyer, buyer_org, {"buyer"})
    assert "Rediger handlekurv" in html
    assert "Handlekurven er tom." in html
    assert reverse("calloffs:desk_evaluate", args=[world.calloff.pk]) not in html  # nothing to price yet
    evaluator_html = _panel(world, world.buyer, buyer_org, {"evaluator"})
    assert "Rediger handlekurv" not in evaluator_html


def test_panel_is_empty_for_other_routes(world, buyer_org):
    world.calloff.mechanism = "mini_competition"
    assert _panel(world, world.buyer, buyer_org, {"buyer"}).strip() == ""
