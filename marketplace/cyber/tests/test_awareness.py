"""Awareness-training import (line-numbered errors, nothing stored on error, re-import replaces a month), the
selectors' totals and the demo's pilot data (17 organisations, 11,173 users, about 30,000 lessons)."""

from __future__ import annotations

import datetime as dt

import pytest

from marketplace.accounts.models import Organisation, Role
from marketplace.catalogue.tests.helpers import acting
from marketplace.core.demo import DemoResult
from marketplace.core.exceptions import PermissionDenied, ValidationFailed
from marketplace.core.models import AuditEvent
from marketplace.cyber import demo_intel
from marketplace.cyber.models import AwarenessImport, AwarenessRecord, KevCatalogue, ThreatAlert
from marketplace.cyber.selectors.awareness import awareness_overview, awareness_score, awareness_totals
from marketplace.cyber.services.awareness import awareness_import, awareness_parse
from marketplace.cyber.views.intel import bars

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2024, 5, 2, 8, 0, tzinfo=dt.UTC)

GOOD = "period,users,lessons_sent,lessons_completed\n2024-02,100,80,40\n2024-03,110,99,66\n"


@pytest.fixture
def officer(buyer_org):
    return acting(buyer_org, Role.SECURITY_OFFICER)


def test_import_stores_one_record_per_month(buyer_org, officer):
    record_import = awareness_import(
        actor=officer, organisation=buyer_org, file=GOOD.encode(), filename="pilot.csv", now=NOW
    )
    assert (record_import.rows, record_import.periods, record_import.filename) == (
        2,
        ["2024-02", "2024-03"],
        "pilot.csv",
    )
    rows = list(
        AwarenessRecord.objects.filter(organisation=buyer_org).values_list(
            "period", "users", "lessons_sent", "lessons_completed", "source_import"
        )
    )
    assert rows == [
        (dt.date(2024, 2, 1), 100, 80, 40, record_import.pk),
        (dt.date(2024, 3, 1), 110, 99, 66, record_import.pk),
    ]
    assert AwarenessRecord.objects.get(period=dt.date(2024, 3, 1)).completion_rate == pytest.approx(2 / 3)
    event = AuditEvent.objects.get(verb="cyber.awareness.imported")
    assert event.data == {"file": "pilot.csv", "rows": 2, "periods": ["2024-02", "2024-03"], "replaced": []}


def test_reimport_replaces_the_months_it_contains(buyer_org, officer):
    awareness_import(actor=officer, organisation=buyer_org, file=GOOD.encode(), now=NOW)
    second = awareness_import(
        actor=officer,
        organisation=buyer_org,
        file=b"lessons_completed;period;users;lessons_sent\n70;2024-03;111;100\n10;2024-04;111;20\n",
        now=NOW,
    )
    assert list(
        AwarenessRecord.objects.filter(organisation=buyer_org).values_list(
            "period", "users", "lessons_sent", "lessons_completed"
        )
    ) == [
        (dt.date(2024, 2, 1), 100, 80, 40),
        (dt.date(2024, 3, 1), 111, 100, 70),
        (dt.date(2024, 4, 1), 111, 20, 10),
    ]
    assert AwarenessRecord.objects.get(period=dt.date(2024, 3, 1)).source_import == second
    assert AuditEvent.objects.filter(verb="cyber.awareness.imported").last().data["replaced"] == ["2024-03"]


@pytest.mark.parametrize(
    ("text", "fields"),
    [
        ("period,users,lessons_sent,lessons_completed\n2024-13,1,1,1\n", ["line 2, period"]),
        (
            "period,users,lessons_sent,lessons_completed\n2024-02,1,1,1\n2024-3,x,1,1\n",
            ["line 3, period", "line 3, users"],
        ),
        ("period,users,lessons_sent,lessons_completed\n2024-02,10,5,6\n", ["line 2, lessons_completed"]),
        ("period,users,lessons_sent,lessons_completed\n2024-02,10,-5,0\n", ["line 2, lessons_sent"]),
        ("period,users,lessons_sent,lessons_completed\n2024-02,10,5,1\n2024-02,10,5,1\n", ["line 3, period"]),
        ("period,users,lessons_sent,lessons_completed\n2024-02,10,5\n", ["line 2"]),
        ("period,users,lessons_sent\n2024-02,10,5\n", ["line 1, lessons_completed"]),
        ("", ["line 1"]),
        ("period,users,lessons_sent,lessons_completed\n", ["line 2"]),
        ("period,users,lessons_sent,lessons_completed\n\n2024-02,1,1,1\n2024-02,1,1,1\n", ["line 4, period"]),
    ],
)
def test_parse_errors_name_line_and_column(text, fields):
    _rows, errors = awareness_parse(text)
    assert [error["field"] for error in errors] == fields


def test_error_messages_are_norwegian_and_name_the_place():
    _rows, errors = awareness_parse("period,users,lessons_sent,lessons_completed\n2024-02,10,5,6\n")
    assert errors[0]["message"] == (
        "Linje 2, kolonne lessons_completed: flere fullførte (6) enn sendte leksjoner (5)."
    )


def test_a_bad_line_stores_nothing(buyer_org, officer):
    awareness_import(actor=officer, organisation=buyer_org, file=GOOD.encode(), now=NOW)
    bad = b"period,users,lessons_sent,lessons_completed\n2024-03,5,5,5\n2024-04,5,5,9\n"
    with pytest.raises(ValidationFailed) as caught:
        awareness_import(actor=officer, organisation=buyer_org, file=bad, filename="feil.csv", now=NOW)
    assert caught.value.message == "Filen feil.csv ble ikke importert: 1 feil."
    assert caught.value.errors[0]["field"] == "line 3, lessons_completed"
    assert AwarenessRecord.objects.get(period=dt.date(2024, 3, 1)).lessons_sent == 99
    assert AwarenessImport.objects.count() == 1


def test_only_the_organisations_officer_or_admin_imports(buyer_org, other_buyer_org, mps_org):
    for actor in (
        acting(buyer_org, Role.BUYER),
        acting(other_buyer_org, Role.SECURITY_OFFICER),
        acting(mps_org, Role.MPS_ADMIN),
    ):
        with pytest.raises(PermissionDenied):
            awareness_import(actor=actor, organisation=buyer_org, file=GOOD.encode(), now=NOW)
    assert not AwarenessRecord.objects.exists()
    awareness_import(
        actor=acting(buyer_org, Role.ORG_ADMIN), organisation=buyer_org, file=GOOD.encode(), now=NOW
    )
    assert AwarenessRecord.objects.count() == 2


def test_totals_take_users_from_the_latest_month(buyer_org, officer):
    awareness_import(actor=officer, organisation=buyer_org, file=GOOD.encode(), now=NOW)
    totals = awareness_totals(buyer_org)
    assert (totals.users, totals.lessons_sent, totals.lessons_completed, totals.months) == (110, 179, 106, 2)
    assert totals.completion_rate == pytest.approx(106 / 179)
    assert (totals.first_period, totals.last_period) == (dt.date(2024, 2, 1), dt.date(2024, 3, 1))


def test_demo_loads_the_pilot(db):
    result = DemoResult()
    demo_intel.seed(result)
    overview = awareness_overview()
    assert len(overview.rows) == 17
    assert overview.total.users == 11173
    assert overview.total.lessons_sent == 30168  # 8,938 + 10,057 + 11,173
    assert [m.lessons_sent for m in overview.by_period] == [8938, 10057, 11173]
    assert [m.users for m in overview.by_period] == [11173, 11173, 11173]
    voss = next(row for row in overview.rows if row.organisation.orgnr == "964338442")
    assert (voss.organisation.name, voss.users, voss.lessons_sent, voss.months) == (
        "Voss herad",
        2583,
        6974,
        3,
    )
    assert Organisation.objects.get(orgnr="994598759").name == "Norsk helsenett SF"
    assert Organisation.objects.get(orgnr="959469059").kind == "municipality"
    assert result.counts["cyber_awareness_records"] == 51
    assert KevCatalogue.objects.get().version == "2025.08.25"
    nve_alerts = ThreatAlert.objects.filter(organisation__orgnr="970205039")
    assert sorted(nve_alerts.values_list("cve_id", flat=True)) == [
        "CVE-2020-14883",
        "CVE-2021-42321",
        "CVE-2022-22965",
        "CVE-2022-37042",
        "CVE-2024-21410",
    ]
    # Idempotent: a second run adds nothing.
    demo_intel.seed(DemoResult())
    assert AwarenessRecord.objects.count() == 51
    assert ThreatAlert.objects.count() == 5
    assert Organisation.objects.count() == 17


def test_unreadable_csv_is_a_line_error():
    rows, errors = awareness_parse(
        'period,users,lessons_sent,lessons_completed\n2024-02,1,1,1\n"2024-03,1,1,1\n'
    )
    assert rows == []
    assert errors == [
        {"field": "line 3", "message": "Linje 3: kan ikke leses som CSV (unexpected end of data)."}
    ]
    rows, errors = awareness_parse("period,users,lessons_sent,lessons_completed\r2024-02,1,1,1\r")
    assert (len(rows), errors) == (1, [])


def test_awareness_score_over_the_last_twelve_months(buyer_org, officer):
    csv_text = (
        "period,users,lessons_sent,lessons_completed\n"
        "2023-03,10,100,0\n"  # before the window (April 2023 – March 2024)
        "2023-05,10,100,50\n"
        "2024-03,10,100,100\n"
        "2024-04,10,100,0\n"  # after today
    )
    awareness_import(actor=officer, organisation=buyer_org, file=csv_text.encode(), now=NOW)
    assert awareness_score(buyer_org, today=dt.date(2024, 3, 31)) == 75
    assert awareness_score(buyer_org, today=dt.date(2024, 3, 31), months=1) == 100
    assert awareness_score(buyer_org, today=dt.date(2023, 1, 31)) is None


def test_chart_bars():
    drawn = bars([("2024-02", 200, 100), ("2024-03", 100, 100)])
    assert [(b.x, b.width, b.sent_y, b.sent_height, b.completed_y, b.completed_height) for b in drawn] == [
        (48.0, 224.0, 0.0, 160.0, 80.0, 80.0),
        (368.0, 224.0, 80.0, 80.0, 80.0, 80.0),
    ]
    assert bars([]) == []
    many = bars([(f"m{n}", n, 0) for n in range(30)])
    assert [b.label for b in many if b.show_label] == [
        "m0",
        "m3",
        "m6",
        "m9",
        "m12",
        "m15",
        "m18",
        "m21",
        "m24",
        "m27",
    ]


def test_pilot_organisations_are_the_pilots_with_valid_organisation_numbers():
    """The 17 names of ../shared/data/mps/awareness_pilot.csv (copied to data/demo/), each with an organisation
    number that passes the mod-11 check; about 11,000 users as facts.md says."""
    from stdnum.no import orgnr

    rows = demo_intel.pilot_rows()
    assert [row["organisation"] for row in rows] == list(demo_intel.PILOT_ORGNR)
    assert len(rows) == 17
    assert sum(int(row["users"]) for row in rows) == 11173
    assert {row["kind"] for row in rows} == {"state", "municipality"}
    assert [number for number in demo_intel.PILOT_ORGNR.values() if not orgnr.is_valid(number)] == []
    assert len(set(demo_intel.PILOT_ORGNR.values())) == 17
