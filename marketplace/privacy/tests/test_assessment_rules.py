"""Pure, table-driven tests of adequacy decisions, CNIL risk levels, the workflow and each finding."""

from __future__ import annotations

import datetime as dt

import pytest

from marketplace.privacy.assessment_rules import adequacy, risk, workflow
from marketplace.privacy.assessment_rules import findings as engine

ON = dt.date(2026, 6, 1)


@pytest.mark.parametrize(
    ("country", "on", "dpf", "commercial", "outcome", "reason"),
    [
        ("NO", ON, False, True, adequacy.EEA, "EØS: ikke overføring til tredjeland"),
        ("IS", ON, False, True, adequacy.EEA, "EØS: ikke overføring til tredjeland"),
        ("LI", ON, False, True, adequacy.EEA, "EØS: ikke overføring til tredjeland"),
        ("IE", ON, False, True, adequacy.EEA, "EØS: ikke overføring til tredjeland"),
        ("ch", ON, False, True, adequacy.ADEQUATE, "Beslutning om tilstrekkelig beskyttelsesnivå"),
        ("JP", ON, False, True, adequacy.ADEQUATE, "Beslutning om tilstrekkelig beskyttelsesnivå"),
        ("GB", ON, False, True, adequacy.ADEQUATE, "Beslutning om tilstrekkelig beskyttelsesnivå"),
        (
            "US",
            ON,
            True,
            True,
            adequacy.ADEQUATE,
            "USA: mottakeren er sertifisert under Data Privacy Framework",
        ),
        (
            "US",
            ON,
            False,
            True,
            adequacy.NOT_ADEQUATE,
            "USA: mottakeren er ikke sertifisert under Data Privacy Framework",
        ),
        (
            "US",
            dt.date(2023, 7, 9),
            True,
            True,
            adequacy.NOT_ADEQUATE,
            "Beslutningen var ikke vedtatt på vurderingsdatoen",
        ),
        ("CA", ON, False, True, adequacy.ADEQUATE, "Canada: kommersiell organisasjon omfattet av PIPEDA"),
        (
            "CA",
            ON,
            False,
            False,
            adequacy.NOT_ADEQUATE,
            "Canada: beslutningen gjelder bare kommersielle organisasjoner (PIPEDA)",
        ),
        (
            "KR",
            dt.date(2021, 12, 1),
            False,
            True,
            adequacy.NOT_ADEQUATE,
            "Beslutningen var ikke vedtatt på vurderingsdatoen",
        ),
        ("IN", ON, False, True, adequacy.NOT_ADEQUATE, "Ingen beslutning om tilstrekkelig beskyttelsesnivå"),
        # Brazil: adopted in the EU 26.01.2026 but pending EEA incorporation (see the table's notes).
        ("BR", ON, False, True, adequacy.NOT_ADEQUATE, "Ingen beslutning om tilstrekkelig beskyttelsesnivå"),
        ("CN", ON, True, True, adequacy.NOT_ADEQUATE, "Ingen beslutning om tilstrekkelig beskyttelsesnivå"),
    ],
)
def test_adequacy_decisions(country, on, dpf, commercial, outcome, reason):
    decision = adequacy.decide(country, on=on, is_dpf_certified=dpf, is_commercial=commercial)
    assert (decision.outcome, decision.reason) == (outcome, reason)
    assert decision.needs_tia is (outcome == adequacy.NOT_ADEQUATE)
    assert decision.is_transfer is (outcome != adequacy.EEA)


def test_adequacy_expired_decision_is_not_adequate():
    table = adequacy.table_from_dict(
        {
            "as_of": "2025-01-01",
            "eea": ["NO"],
            "decisions": [
                {
                    "country": "GB",
                    "scope": "full",
                    "act": "X",
                    "adopted_on": "2021-06-28",
                    "valid_until": "2025-12-27",
                }
            ],
        }
    )
    assert adequacy.decide("GB", on=dt.date(2025, 12, 27), table=table).outcome == adequacy.ADEQUATE
    late = adequacy.decide("GB", on=dt.date(2025, 12, 28), table=table)
    assert (late.outcome, late.reason) == (
        adequacy.NOT_ADEQUATE,
        "Beslutningen var utløpt på vurderingsdatoen",
    )


def test_adequacy_table_is_dated_and_sourced():
    table = adequacy.default_table()
    assert table.as_of == dt.date(2025, 12, 19)
    assert len(table.eea) == 30
    assert sorted(table.entries) == [
        "AD",
        "AR",
        "CA",
        "CH",
        "FO",
        "GB",
        "GG",
        "IL",
        "IM",
        "JE",
        "JP",
        "KR",
        "NZ",
        "US",
        "UY",
    ]
    assert [(e.scope, e.adopted_on) for e in table.entries["US"]] == [
        (adequacy.SCOPE_DPF, dt.date(2023, 7, 10))
    ]
    assert [(e.adopted_on, e.valid_until) for e in table.entries["GB"]] == [
        (dt.date(2021, 6, 28), dt.date(2025, 12, 27)),
        (dt.date(2025, 12, 19), dt.date(2031, 12, 27)),
    ]
    assert [(e.scope, e.act) for e in table.entries["CA"]] == [
        (adequacy.SCOPE_COMMERCIAL, "Commission Decision 2002/2/EC")
    ]
    assert table.sources
    assert len(table.notes) == 5


@pytest.mark.parametrize(
    ("on", "outcome", "reason", "act"),
    [
        (
            dt.date(2021, 6, 27),
            adequacy.NOT_ADEQUATE,
            "Beslutningen var ikke vedtatt på vurderingsdatoen",
            "Commission Implementing Decision (EU) 2021/1772",
        ),
        (
            dt.date(2025, 6, 28),
            adequacy.ADEQUATE,
            "Beslutning om tilstrekkelig beskyttelsesnivå",
            "Commission Implementing Decision (EU) 2021/1772",
        ),
        (
            dt.date(2025, 12, 18),
            adequacy.ADEQUATE,
            "Beslutning om tilstrekkelig beskyttelsesnivå",
            "Commission Implementing Decision (EU) 2021/1772",
        ),
        (
            dt.date(2025, 12, 28),
            adequacy.ADEQUATE,
            "Beslutning om tilstrekkelig beskyttelsesnivå",
            "Commission Implementing Decision of 19 December 2025 (renewal, GDPR)",
        ),
        (
            dt.date(2031, 12, 27),
            adequacy.ADEQUATE,
            "Beslutning om tilstrekkelig beskyttelsesnivå",
            "Commission Implementing Decision of 19 December 2025 (renewal, GDPR)",
        ),
        (
            dt.date(2031, 12, 28),
            adequacy.NOT_ADEQUATE,
            "Beslutningen var utløpt på vurderingsdatoen",
            "Commission Implementing Decision of 19 December 2025 (renewal, GDPR)",
        ),
    ],
)
def test_uk_decision_extended_and_renewed(on, outcome, reason, act):
    decision = adequacy.decide("GB", on=on)
    assert (decision.outcome, decision.reason, decision.act) == (outcome, reason, act)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("us", "US"), (" NO ", "NO"), ("XX", None), ("USA", None), ("", None), ("EU", None)],
)
def test_country_code_clean(value, expected):
    assert adequacy.country_code_clean(value) == expected


@pytest.mark.parametrize(
    ("severity", "likelihood", "level"),
    [
        (1, 1, risk.ACCEPTABLE),
        (2, 2, risk.ACCEPTABLE),
        (3, 2, risk.REDUCE),
        (1, 4, risk.REDUCE),
        (3, 3, risk.UNACCEPTABLE),
        (4, 4, risk.UNACCEPTABLE),
    ],
)
def test_risk_levels(severity, likelihood, level):
    assert risk.risk_level(severity, likelihood) == level


@pytest.mark.parametrize(("severity", "likelihood"), [(0, 1), (5, 1), (1, 0)])
def test_risk_levels_refuse_out_of_scale(severity, likelihood):
    with pytest.raises(ValueError, match="1–4"):
        risk.risk_level(severity, likelihood)


@pytest.mark.parametrize(
    ("current", "target", "allowed"),
    [
        ("draft", "in_review", True),
        ("draft", "signed_off", False),
        ("in_review", "signed_off", True),
        ("in_review", "draft", True),
        ("signed_off", "draft", False),
        ("signed_off", "in_review", False),
    ],
)
def test_transitions(current, target, allowed):
    assert workflow.can_transition(current, target) is allowed


def test_sign_off_and_date_problems():
    assert workflow.sign_off_problems(state="draft", dpo_opinion=" ", has_processing=False) == [
        ("state", "Vurderingen må være til gjennomgang før den kan godkjennes."),
        ("dpo_opinion", "Personvernombudets uttalelse mangler."),
        ("processing", "Registrer minst én behandling (formål og kategori) før godkjenning."),
    ]
    assert workflow.sign_off_problems(state="in_review", dpo_opinion="OK", has_processing=True) == []
    assert workflow.date_problems(assessed_on=ON, review_on=ON) == [
        ("review_on", "Revisjonsdatoen må være etter vurderingsdatoen.")
    ]
    assert workflow.date_problems(assessed_on=ON, review_on=None) == []


# --- findings: a clean assessment has none; each case breaks one thing and gets exactly one named finding ---

PROCESSING = engine.ProcessingFact("Saksbehandling", "Dokumenter", "Ansatte", "e")
EU_ROW = engine.TransferFact("Drift EU Ltd", "IE", "Dokumenter", "Lagring", "")
US_DPF_ROW = engine.TransferFact(
    "Support Inc.", "US", "Dokumenter", "Support", "adequacy", is_dpf_certified=True
)
TIA_DONE = engine.TransferFact(
    "Support Pvt",
    "IN",
    "Dokumenter",
    "Support",
    "scc",
    edpb_steps_done=6,
    supplementary_measures="Kryptering med nøkler i EØS",
    residual_risk="low",
    review_on=dt.date(2027, 6, 1),
)


def clean(**changes):
    base = {
        "assessed_on": ON,
        "processing": (PROCESSING,),
        "provider_purposes": (engine.ProviderPurposeFact("Telemetri", "anonymised"),),
        "provider_purposes_known": True,
        "is_limited_to_instructions": True,
        "has_disclosure_clause": True,
        "transfers": (EU_ROW, US_DPF_ROW, TIA_DONE),
        "sub_processors": (
            engine.SubProcessorFact("Support Pvt", "IN"),
            engine.SubProcessorFact("Drift EU Ltd", "IE"),
        ),
        "risks": (engine.RiskFact("illegitimate_access", 2, 2, False),),
    }
    base.update(changes)
    return engine.AssessmentFacts(**base)


def test_clean_assessment_has_no_findings():
    assert engine.findings_for(clean()) == []


@pytest.mark.parametrize(
    ("changes", "rule_id", "severity", "subject", "source_part"),
    [
        ({"processing": ()}, "PURPOSE_PER_CATEGORY", "high", "", "art. 4(1)(b)"),
        (
            {
                "transfers": (
                    EU_ROW,
                    US_DPF_ROW,
                    TIA_DONE,
                    engine.TransferFact("Drift EU Ltd", "IE", "Telemetri", "Drift", ""),
                )
            },
            "PURPOSE_PER_CATEGORY",
            "high",
            "Telemetri",
            "EDPS 2021-0518",
        ),
        (
            {"provider_purposes_known": False, "provider_purposes": ()},
            "PROVIDER_PURPOSES_UNKNOWN",
            "high",
            "",
            "Datatilsynet (DK)",
        ),
        (
            {"provider_purposes": (engine.ProviderPurposeFact("KI-trening", "none"),)},
            "PROVIDER_PURPOSE_NO_BASIS",
            "high",
            "KI-trening",
            "GDPR art. 6",
        ),
        (
            {"provider_purposes": (engine.ProviderPurposeFact("Telemetri", "unknown"),)},
            "PROVIDER_PURPOSE_NO_BASIS",
            "high",
            "Telemetri",
            "GDPR art. 6",
        ),
        ({"is_limited_to_instructions": False}, "NOT_LIMITED_TO_INSTRUCTIONS", "high", "", "art. 28(3)(a)"),
        ({"is_limited_to_instructions": None}, "NOT_LIMITED_TO_INSTRUCTIONS", "high", "", "art. 29(3)(a)"),
        ({"has_disclosure_clause": None}, "NO_DISCLOSURE_CLAUSE", "medium", "", "GDPR art. 48"),
        (
            {
                "transfers": (
                    EU_ROW,
                    US_DPF_ROW,
                    engine.TransferFact("Support Pvt", "IN", "Dokumenter", "Support", ""),
                )
            },
            "TRANSFER_WITHOUT_TOOL",
            "high",
            "Support Pvt (IN)",
            "EDPB anbefaling 01/2020 trinn 2",
        ),
        (
            {
                "transfers": (
                    EU_ROW,
                    US_DPF_ROW,
                    engine.TransferFact(
                        "Support Pvt",
                        "IN",
                        "Dokumenter",
                        "Support",
                        "scc",
                        edpb_steps_done=6,
                        supplementary_measures="x",
                        residual_risk="low",
                    ),
                )
            },
            "TIA_INCOMPLETE",
            "medium",
            "Support Pvt (IN)",
            "trinn 3–6",
        ),
        (
            {
                "transfers": (
                    EU_ROW,
                    US_DPF_ROW,
                    engine.TransferFact(
                        "Support Pvt",
                        "IN",
                        "Dokumenter",
                        "Support",
                        "scc",
                        edpb_steps_done=6,
                        supplementary_measures="x",
                        residual_risk="high",
                        review_on=ON + dt.timedelta(days=1),
                    ),
                )
            },
            "TRANSFER_HIGH_RESIDUAL_RISK",
            "high",
            "Support Pvt (IN)",
            "brukstilfelle 6 og 7",
        ),
        (
            {
                "sub_processors": (
                    engine.SubProcessorFact("Support Pvt", "IN"),
                    engine.SubProcessorFact("Ukjent AS", ""),
                )
            },
            "SUB_PROCESSOR_COUNTRY_MISSING",
            "medium",
            "Ukjent AS",
            "GDPR art. 28(2)",
        ),
        (
            {
                "sub_processors": (
                    engine.SubProcessorFact("Support Pvt", "IN"),
                    engine.SubProcessorFact("Analyse LLC", "US"),
                )
            },
            "ONWARD_NOT_MAPPED",
            "high",
            "Analyse LLC (US)",
            "trinn 1",
        ),
        (
            {
                "processing": (
                    PROCESSING,
                    engine.ProcessingFact("HMS", "Helseopplysninger", "Ansatte", "c", is_special=True),
                )
            },
            "SPECIAL_WITHOUT_CONDITION",
            "high",
            "HMS: Helseopplysninger",
            "art. 9(2)",
        ),
        (
            {"risks": (engine.RiskFact("disappearance", 4, 3, False),)},
            "RISK_WITHOUT_MEASURES",
            "high",
            "disappearance",
            "CNIL",
        ),
    ],
)
def test_each_finding(changes, rule_id, severity, subject, source_part):
    found = engine.findings_for(clean(**changes))
    assert [(f.rule_id, f.severity, f.subject) for f in found] == [(rule_id, severity, subject)]
    assert source_part in found[0].source
    assert found[0].explanation


def test_a_registered_own_purpose_settles_whether_the_provider_has_own_purposes():
    lawful = engine.ProviderPurposeFact("Telemetri", "f")
    assert engine.findings_for(clean(provider_purposes_known=False, provider_purposes=(lawful,))) == []
    unlawful = engine.ProviderPurposeFact("KI-trening", "none")
    found = engine.findings_for(clean(provider_purposes_known=False, provider_purposes=(unlawful,)))
    assert [f.rule_id for f in found] == ["PROVIDER_PURPOSE_NO_BASIS"]


def test_us_recipient_without_dpf_gets_named_and_needs_a_tool():
    row = engine.TransferFact("Support Inc.", "US", "Dokumenter", "Support", "")
    found = engine.findings_for(clean(transfers=(EU_ROW, TIA_DONE, row)))
    assert [(f.rule_id, f.subject) for f in found] == [
        ("US_NOT_DPF", "Support Inc. (US)"),
        ("TRANSFER_WITHOUT_TOOL", "Support Inc. (US)"),
    ]


def test_special_category_with_condition_and_derogation_are_fine():
    special = engine.ProcessingFact(
        "HMS", "Helse", "Ansatte", "c", is_special=True, special_condition="art. 9(2)(b)"
    )
    derogation = engine.TransferFact("Ambassade", "IN", "Dokumenter", "Nødssituasjon", "derogation")
    assert (
        engine.findings_for(clean(processing=(PROCESSING, special), transfers=(EU_ROW, TIA_DONE, derogation)))
        == []
    )


def test_every_rule_id_is_listed():
    assert len(engine.RULE_IDS) == len(set(engine.RULE_IDS)) == 13


def test_a_prefilled_row_without_data_does_not_map_the_sub_processor():
    prefilled = engine.TransferFact("Analyse LLC", "US", "", "Support", "", is_dpf_certified=True)
    found = engine.findings_for(
        clean(
            transfers=(EU_ROW, TIA_DONE, prefilled),
            sub_processors=(
                engine.SubProcessorFact("Support Pvt", "IN"),
                engine.SubProcessorFact("Analyse LLC", "US"),
            ),
        )
    )
    assert [(f.rule_id, f.subject) for f in found] == [("ONWARD_NOT_MAPPED", "Analyse LLC (US)")]
