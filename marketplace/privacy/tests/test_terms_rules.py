"""Pure rules of the terms area: baseline, answer validation, the balance matrix, SSA guidance (§6.1), exit cost,
CMA flags and the FinOps provider match."""

from __future__ import annotations

from decimal import Decimal

import pytest

from marketplace.privacy import exit_rules, terms_rules
from marketplace.privacy.terms_rules import SsaAnswers

TOPICS = (
    "dpa",
    "security",
    "third_party_liability",
    "data_ownership",
    "continuous_change",
    "apis",
    "sla",
    "open_source",
    "exit_assistance",
    "egress_portability",
    "price_change",
    "audit_rights",
)


def test_baseline_has_the_twelve_topics_in_order_each_with_a_source():
    assert terms_rules.topic_keys() == TOPICS
    for entry in terms_rules.baseline()["topics"]:
        assert entry["title"]
        assert entry["baseline"]
        assert entry["sources"]
        assert all(s["url"].startswith("https://") for s in entry["sources"])
    assert [flag["key"] for flag in terms_rules.baseline()["cma_flags"]] == list(exit_rules.CMA_FLAGS)
    assert all(flag["source"]["url"].startswith("https://") for flag in terms_rules.baseline()["cma_flags"])


def all_meet() -> dict[str, tuple[str, str]]:
    return dict.fromkeys(TOPICS, ("meets", ""))


@pytest.mark.parametrize(
    ("change", "errors"),
    [
        ({}, []),
        ({"sla": ("deviates", "Kreditt er eneste sanksjon")}, []),
        ({"sla": ("deviates", "  ")}, [("sla", "deviation_text_required")]),
        ({"apis": ("", "")}, [("apis", "missing_status")]),
        ({"apis": ("maybe", "")}, [("apis", "unknown_status")]),
        ({"audit_rights": ("missing", "")}, []),
        ({"dpa": ("meets", "x" * 2001)}, [("dpa", "text_too_long")]),
        ({"telemetry": ("meets", "")}, [("telemetry", "unknown_topic")]),
    ],
)
def test_answers_validate(change, errors):
    answers = {**all_meet(), **change}
    clean, problems = terms_rules.answers_validate(answers)
    assert [(p.topic, p.code) for p in problems] == errors
    if not errors:
        assert [a.topic for a in clean] == list(TOPICS)


def test_answers_validate_reports_every_unanswered_topic():
    clean, problems = terms_rules.answers_validate({"dpa": ("meets", "")})
    assert [a.topic for a in clean] == ["dpa"]
    assert [p.topic for p in problems] == list(TOPICS[1:])
    assert {p.code for p in problems} == {"missing_status"}


def test_balance_matrix_counts_per_topic_and_marks_unchecked_contracts():
    a = {**dict.fromkeys(TOPICS, "meets"), "sla": "deviates", "audit_rights": "missing"}
    b = {**dict.fromkeys(TOPICS, "meets"), "sla": "deviates"}
    matrix = terms_rules.balance_matrix([("A", a), ("B", b), ("C", None)])
    assert matrix.columns == ("A", "B", "C")
    assert matrix.unchecked_columns == ("C",)
    sla = next(row for row in matrix.rows if row.topic == "sla")
    assert (sla.statuses, sla.meets, sla.deviates, sla.missing, sla.unchecked) == (
        ("deviates", "deviates", ""),
        0,
        2,
        0,
        1,
    )
    audit = next(row for row in matrix.rows if row.topic == "audit_rights")
    assert (audit.meets, audit.deviates, audit.missing, audit.unchecked) == (1, 0, 1, 1)
    assert (matrix.totals.meets, matrix.totals.deviates, matrix.totals.missing) == (21, 2, 1)


def ssa(**kwargs):
    base = {
        "needs_partner_services": False,
        "buys_cloud_services": False,
        "needs_customisation": False,
        "licences_bought_separately": False,
        "is_private_cloud": False,
    }
    return SsaAnswers(**{**base, **kwargs})


@pytest.mark.parametrize(
    ("answers", "agreement", "reasons"),
    [
        (ssa(), None, ("nothing_answered",)),
        (ssa(buys_cloud_services=True), "ssa_lille_sky", ("standard_cloud_services",)),
        (
            ssa(needs_partner_services=True, licences_bought_separately=True),
            "ssa_sky",
            ("partner_services",),
        ),
        (
            ssa(needs_partner_services=True, buys_cloud_services=True),
            "ssa_sky",
            ("partner_services", "partner_may_supply_licences"),
        ),
        (
            ssa(needs_partner_services=True, licences_bought_separately=True, needs_customisation=True),
            "ssa_sky",
            ("partner_services", "customisation_with_partner"),
        ),
        (ssa(needs_customisation=True, is_private_cloud=True), "ssa_l", ("customised_solution",)),
        (
            ssa(needs_customisation=True, buys_cloud_services=True),
            "ssa_l",
            ("customised_solution", "ssa_l_public_cloud_caution"),
        ),
    ],
)
def test_ssa_guidance(answers, agreement, reasons):
    guidance = terms_rules.ssa_guidance(answers)
    assert (guidance.agreement, guidance.reasons) == (agreement, reasons)
    assert guidance.source == terms_rules.SSA_SOURCE
    assert "SSA-sky" in guidance.source


@pytest.mark.parametrize(
    ("volume", "price", "hours", "rate", "egress", "migration", "total"),
    [
        ("18500", "0.45", "320", "1350", "8325.00", "432000.00", "440325.00"),
        ("1 234,5", "0,9", "10", "1000", "1111.05", "10000.00", "11111.05"),
        (Decimal("0.005"), Decimal("1"), Decimal("0"), Decimal("0"), "0.01", "0.00", "0.01"),
        ("100", "0", "7.5", "1100", "0.00", "8250.00", "8250.00"),
    ],
)
def test_exit_cost(volume, price, hours, rate, egress, migration, total):
    cost, errors = exit_rules.exit_cost(exit_rules.ExitCostInput(volume, price, hours, rate))
    assert errors == []
    assert cost is not None
    assert (cost.egress_amount, cost.migration_amount, cost.total_amount) == (
        Decimal(egress),
        Decimal(migration),
        Decimal(total),
    )


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        (("", "1", "1", "1"), [("volume_gb", "required")]),
        ((None, "1", "1", "1"), [("volume_gb", "required")]),
        (("mange", "1", "1", "1"), [("volume_gb", "not_a_number")]),
        (("NaN", "1", "1", "1"), [("volume_gb", "not_a_number")]),
        (("1", "-0.1", "1", "1"), [("egress_price_per_gb", "negative")]),
        (("1", "1", "200000", "1"), [("migration_hours", "too_large")]),
        (("1", "1", "1", ""), [("hourly_rate", "required")]),
        (
            ("x", "", "-1", "1e9"),
            [
                ("volume_gb", "not_a_number"),
                ("egress_price_per_gb", "required"),
                ("migration_hours", "negative"),
                ("hourly_rate", "too_large"),
            ],
        ),
    ],
)
def test_exit_cost_errors(data, errors):
    cost, problems = exit_rules.exit_cost(exit_rules.ExitCostInput(*data))
    assert cost is None
    assert problems == errors


@pytest.mark.parametrize(
    ("price", "formats", "barriers", "committed", "licences", "flags"),
    [
        (Decimal("0"), True, False, False, False, ()),
        (None, True, False, False, False, ()),
        (Decimal("0.45"), True, False, False, False, ("egress_fees",)),
        (Decimal("0"), False, False, False, False, ("technical_barriers",)),
        (Decimal("0"), True, True, False, False, ("technical_barriers",)),
        (
            Decimal("0.9"),
            False,
            True,
            True,
            True,
            ("egress_fees", "technical_barriers", "committed_spend", "licensing"),
        ),
        (Decimal("0"), True, False, True, False, ("committed_spend",)),
        (Decimal("0"), True, False, False, True, ("licensing",)),
    ],
)
def test_cma_flags(price, formats, barriers, committed, licences, flags):
    assert (
        exit_rules.cma_flags(
            egress_price_per_gb=price,
            has_open_export_formats=formats,
            has_technical_barriers=barriers,
            has_committed_spend=committed,
            has_licence_restrictions=licences,
        )
        == flags
    )


@pytest.mark.parametrize(
    ("provider", "supplier", "matches"),
    [
        ("Nordsky", "Nordsky AS", True),
        ("Atlanterhavet Sky", "Atlanterhavet Sky Norge AS", True),
        ("Fjellskyen", "Fjellskyen AS", True),
        ("Microsoft", "Nordsky AS", False),
        ("Sky", "Atlanterhavet Sky Norge AS", False),
        ("", "Nordsky AS", False),
        ("Amazon Web Services EMEA SARL", "Amazon Web Services", True),
    ],
)
def test_provider_matches(provider, supplier, matches):
    assert exit_rules.provider_matches(provider, supplier) is matches


@pytest.mark.parametrize(
    ("unit", "quantity", "gb"),
    [
        ("GB-Month", Decimal("100"), Decimal("100")),
        ("GB-Mo", Decimal("2.5"), Decimal("2.5")),
        ("GiB-Month", Decimal("1000"), Decimal("1073.741824000")),
        ("Hours", Decimal("100"), None),
        ("GB", Decimal("100"), None),
        ("GB-Month", None, None),
    ],
)
def test_storage_gb(unit, quantity, gb):
    assert exit_rules.storage_gb(unit, quantity) == gb
