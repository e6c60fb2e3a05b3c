"""Cloud relevance (CPV families, curated list, keywords), buyer-type heuristics and notice value: table-driven,
pure."""

from __future__ import annotations

from decimal import Decimal

import pytest

from marketplace.insights.eforms.buyers import buyer_kind_from
from marketplace.insights.notice_rules import notice_value
from marketplace.insights.relevance import relevance


@pytest.mark.parametrize(
    ("cpv", "title", "description", "expected"),
    [
        # CPV family 72 and 48
        (["72416000"], "Fagsystem", "", [("cpv_family", "72416000")]),
        (["48000000"], "Lisenser", "", [("cpv_family", "48000000")]),
        # curated codes outside the families: prefix after trailing zeros
        (["30211000"], "Stormaskin", "", [("cpv_curated", "30211000")]),
        (["30200000"], "Datautstyr", "", [("cpv_curated", "30200000")]),
        (["64216000"], "Meldingstjenester", "", [("cpv_curated", "64216000")]),
        # not relevant
        (["90910000"], "Renhold av kontorlokaler", "Daglig renhold.", []),
        (["79410000"], "Skyss av elever", "Skoleskyss.", []),
        (["30000000"], "Kontormaskiner", "", []),
        # keywords on whole words, Norwegian and English, title before description
        (["90910000"], "Renhold", "Levert via skytjenester.", [("keyword", "skytjenester")]),
        (["79410000"], "Move to the Cloud", "", [("keyword", "cloud")]),
        (
            ["79410000"],
            "SaaS for HR",
            "Software as a Service",
            [("keyword", "saas"), ("keyword", "software as a service")],
        ),
        (["79410000"], "Programvare som tjeneste", "", [("keyword", "programvare som tjeneste")]),
        (["79410000"], "Skyline-prosjekt", "", []),
        # several reasons, each listed once
        (
            ["72000000", "48000000"],
            "Skytjenester",
            "skytjenester og hosting",
            [
                ("cpv_family", "72000000"),
                ("cpv_family", "48000000"),
                ("keyword", "skytjenester"),
                ("keyword", "hosting"),
            ],
        ),
    ],
)
def test_relevance(cpv, title, description, expected):
    reasons = relevance(cpv_codes=cpv, title=title, description=description)
    assert [(reason.kind, reason.value) for reason in reasons] == expected


def test_reason_labels_say_why():
    [family, keyword] = relevance(cpv_codes=["72000000"], title="", description="Vi flytter til skyen.")
    assert family.as_dict() == {
        "kind": "cpv_family",
        "value": "72000000",
        "label": "IT-tjenester: rådgivning, programvareutvikling, Internett og støtte",
    }
    assert keyword.as_dict() == {"kind": "keyword", "value": "skyen", "label": "beskrivelse"}


@pytest.mark.parametrize(
    ("name", "legal_type", "kind"),
    [
        ("Vestland fylkeskommune", "", "county"),
        ("Troms fylke", "la", "county"),
        ("Oslo kommune", "", "municipality"),
        ("Bergen kommune", "body-pl", "municipality"),
        ("Digitaliseringsdirektoratet", "", "state"),
        ("Statens vegvesen", "", "state"),
        ("Arbeids- og velferdsetaten (NAV)", "", "state"),
        ("Universitetet i Oslo", "body-pl", "state"),
        ("Voss herad", "la", "municipality"),
        ("Helse Vest IKT AS", "body-pl", "other"),
        ("Agder Energi", "ra", "county"),
        ("Kommunenes Sentralforbund", "", "other"),
        ("Ruter AS", "pub-undert-cga", "state"),
    ],
)
def test_buyer_kind_from_name_then_legal_type(name, legal_type, kind):
    assert buyer_kind_from(name, legal_type) == kind


@pytest.mark.parametrize(
    ("kind", "is_change", "awarded", "estimated", "expected"),
    [
        ("contract_notice", False, None, (Decimal(100), "NOK"), (Decimal(100), False, True)),
        ("award", False, (Decimal(90), "NOK"), (Decimal(100), "NOK"), (Decimal(90), False, True)),
        ("veat", False, (Decimal(90), "EUR"), (None, ""), (None, True, True)),
        ("contract_notice", False, None, (Decimal(100), "SEK"), (None, True, True)),
        ("contract_notice", True, None, (Decimal(100), "NOK"), (Decimal(100), False, False)),
        ("prior_information", False, None, (Decimal(100), "NOK"), (Decimal(100), False, False)),
        ("modification", False, (Decimal(5), "NOK"), (None, ""), (Decimal(5), False, False)),
        ("award", False, None, (None, ""), (None, False, True)),
    ],
)
def test_notice_value(kind, is_change, awarded, estimated, expected):
    value = notice_value(
        kind=kind,
        is_change=is_change,
        awarded_amount=awarded[0] if awarded else None,
        awarded_currency=awarded[1] if awarded else "",
        estimated_amount=estimated[0],
        estimated_currency=estimated[1],
    )
    assert (value.value_amount, value.has_foreign_value, value.counts) == expected
