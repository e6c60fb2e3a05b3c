"""`mps import-enhetsregisteret`: parsing, kinds, positions, all-or-nothing, --skip-invalid, gzip, JSON summary."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from hypothesis import given, settings
from hypothesis import strategies as st

from marketplace.accounts.models import Organisation, OrganisationKind
from marketplace.accounts.tests.factories import OrganisationFactory
from marketplace.core.audit import audit_chain_verify
from marketplace.core.models import AuditEvent
from marketplace.suppliers.enhetsregisteret import kind_for, rows_read
from marketplace.suppliers.services import ImportRejected, enhetsregisteret_import

FIXTURES = Path(__file__).parent / "fixtures"
VALID = str(FIXTURES / "enheter.json")
INVALID = str(FIXTURES / "enheter_invalid.json")
ONELINE_GZ = str(FIXTURES / "enheter_oneline.json.gz")


@pytest.mark.parametrize(
    ("form", "sector", "kind"),
    [
        ("ORGL", "6100", "state"),
        ("ORGL", "6500", "other_public"),
        ("STAT", "6100", "state"),
        ("SF", "1120", "other_public"),
        ("KOMM", "6500", "municipality"),
        ("FYLK", "6500", "county"),
        ("KF", "6500", "other_public"),
        ("IKS", "6500", "other_public"),
        ("AS", "2100", "supplier"),
        ("ASA", "2100", "supplier"),
        ("ENK", "8200", "supplier"),
        ("NUF", "2100", "supplier"),
        ("AS", "1110", "supplier"),  # state-owned company: still a supplier form
        ("STI", "6100", "state"),  # unknown form, state sector
        ("FLI", "7000", None),
        ("", "", None),
    ],
)
def test_kind_for(form, sector, kind):
    assert kind_for(form, sector) == kind


def test_rows_read_gives_exact_lines_for_pretty_printed_files():
    with open(INVALID, "rb") as stream:
        rows = list(rows_read(stream))
    assert [(r.line, r.index, r.orgnr) for r in rows] == [
        (2, 0, "920000010"),
        (8, 1, "988077918"),
        (13, 2, "920000029"),
        (17, 3, "920000053"),
        (22, 4, "12345"),
    ]
    assert rows[1].invalid == "«988077918» er ikke et gyldig organisasjonsnummer (feil kontrollsiffer)."
    assert rows[2].invalid == "Navn (navn) mangler."
    assert rows[4].invalid == "«12345» er ikke et organisasjonsnummer: det må være 9 sifre."


def test_rows_read_hal_search_result():
    body = json.dumps(
        {
            "_embedded": {
                "enheter": [
                    {"organisasjonsnummer": "920000010", "navn": "A", "organisasjonsform": {"kode": "ORGL"}}
                ]
            },
            "page": {"size": 20, "totalElements": 1, "totalPages": 1, "number": 0},
        }
    ).encode()
    rows = list(rows_read(io.BytesIO(body)))
    assert [(r.index, r.enhet.kind if r.enhet else None) for r in rows] == [(0, "state")]


@pytest.mark.django_db
def test_import_creates_organisations_with_mapped_fields():
    summary = enhetsregisteret_import(actor=None, path=VALID)
    assert (summary.created, summary.updated, summary.unchanged, summary.stored) == (7, 0, 0, True)
    assert [(s.index, s.orgnr) for s in summary.skipped] == [(6, "920000088")]
    assert summary.skipped[0].reason == (
        "Organisasjonsform FLI (Forening/lag/innretning) er verken offentlig virksomhet eller en leverandørform."
    )
    got = {
        o.orgnr: (
            o.name,
            o.kind,
            o.organisation_form,
            o.sector_code,
            o.municipality,
            o.is_bankrupt,
            o.is_under_liquidation,
        )
        for o in Organisation.objects.all()
    }
    assert got == {
        "920000010": ("TESTDIREKTORATET FOR SKYTJENESTER", "state", "ORGL", "6100", "Oslo", False, False),
        "920000029": ("FJELLVIK KOMMUNE", "municipality", "KOMM", "6500", "Fjellvik", False, False),
        "920000037": ("NORDVEST FYLKESKOMMUNE", "county", "FYLK", "6500", "Sunnfjord", False, False),
        "920000045": ("FJORDDATA IKS", "other_public", "IKS", "6500", "Fjellvik", False, False),
        "920000053": ("SKYLAGER AS", "supplier", "AS", "2100", "Trondheim", True, False),
        "920000061": ("CLOUDCO NORGE NUF", "supplier", "NUF", "2100", "Bærum", False, True),
        "920000096": (
            "FJELLVIK KOMMUNE IKT-TJENESTEN",
            "other_public",
            "ORGL",
            "6500",
            "Fjellvik",
            False,
            False,
        ),
    }
    assert Organisation.objects.get(orgnr="920000053").website == "www.skylager.example"
    assert AuditEvent.objects.filter(verb="organisation.create").count() == 7
    run = AuditEvent.objects.get(verb="enhetsregisteret.import")
    assert run.data == {
        "file": "enheter.json",
        "created": 7,
        "updated": 0,
        "unchanged": 0,
        "skipped": 1,
        "invalid": 0,
    }
    assert audit_chain_verify() == (8, None)


@pytest.mark.django_db
def test_import_again_updates_only_what_changed_and_keeps_mps_kind():
    OrganisationFactory(orgnr="920000010", name="Gammelt navn", kind=OrganisationKind.MPS)
    OrganisationFactory(
        orgnr="920000029",
        name="FJELLVIK KOMMUNE",
        kind=OrganisationKind.MUNICIPALITY,
        organisation_form="KOMM",
        sector_code="6500",
        municipality="Fjellvik",
    )
    summary = enhetsregisteret_import(actor=None, path=VALID)
    assert (summary.created, summary.updated, summary.unchanged) == (5, 1, 1)
    dfo = Organisation.objects.get(orgnr="920000010")
    assert (dfo.name, dfo.kind) == ("TESTDIREKTORATET FOR SKYTJENESTER", "mps")
    event = AuditEvent.objects.get(verb="organisation.update")
    assert event.data["changes"]["name"] == {
        "from": "Gammelt navn",
        "to": "TESTDIREKTORATET FOR SKYTJENESTER",
    }
    assert "kind" not in event.data["changes"]
    second = enhetsregisteret_import(actor=None, path=VALID)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 7)


@pytest.mark.django_db
def test_invalid_rows_store_nothing():
    OrganisationFactory(orgnr="920000010", name="Uendret", kind=OrganisationKind.STATE)
    with pytest.raises(ImportRejected) as excinfo:
        enhetsregisteret_import(actor=None, path=INVALID)
    summary = excinfo.value.summary
    assert summary.stored is False
    assert (summary.created, summary.updated) == (0, 0)
    assert [(i.line, i.index, i.orgnr) for i in summary.invalid] == [
        (8, 1, "988077918"),
        (13, 2, "920000029"),
        (22, 4, "12345"),
    ]
    assert excinfo.value.message == (
        "3 ugyldige rader; ingenting er lagret (bruk --skip-invalid for å lagre de gyldige)."
    )
    assert list(Organisation.objects.values_list("orgnr", "name")) == [("920000010", "Uendret")]
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_skip_invalid_stores_the_valid_rows():
    summary = enhetsregisteret_import(actor=None, path=INVALID, skip_invalid=True)
    assert summary.stored is True
    assert (summary.created, len(summary.invalid)) == (2, 3)
    assert sorted(Organisation.objects.values_list("orgnr", flat=True)) == ["920000010", "920000053"]


@pytest.mark.django_db
def test_duplicate_orgnr_in_file_is_invalid(tmp_path):
    path = tmp_path / "dupe.json"
    row = {"organisasjonsnummer": "920000010", "navn": "A", "organisasjonsform": {"kode": "ORGL"}}
    path.write_text(json.dumps([row, row]))
    with pytest.raises(ImportRejected) as excinfo:
        enhetsregisteret_import(actor=None, path=str(path))
    assert (
        excinfo.value.summary.invalid[0].reason == "Organisasjonsnummeret står også i elementet med indeks 0."
    )
    assert not Organisation.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "error"),
    [
        (
            b'[\n{"organisasjonsnummer": "920000010", "navn": "A", "organisasjonsform": {"kode": "ORGL"}},\n{"navn": \n',
            "linje 4: Ugyldig JSON",
        ),
        (b'"bare en tekst"', "linje 1: Filen er ikke en JSON-liste med enheter."),
        (b"", "linje 1: Filen er tom."),
    ],
)
def test_unreadable_files_store_nothing(tmp_path, content, error):
    path = tmp_path / "feil.json"
    path.write_bytes(content)
    with pytest.raises(ImportRejected) as excinfo:
        enhetsregisteret_import(actor=None, path=str(path), skip_invalid=True)
    assert excinfo.value.summary.error.startswith(error)
    assert not Organisation.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_broken_gzip_is_refused(tmp_path):
    path = tmp_path / "feil.json.gz"
    path.write_bytes(gzip.compress(b'[{"organisasjonsnummer": "920000010"}]')[:25])
    with pytest.raises(ImportRejected) as excinfo:
        enhetsregisteret_import(actor=None, path=str(path))
    assert "Filen kan ikke leses" in excinfo.value.summary.error


# --- the command --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_command_gzip_one_line_file_reports_index_and_json_summary():
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 ugyldige rader; ingenting er lagret"):
        call_command("import_enhetsregisteret", ONELINE_GZ, "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["stored"] is False
    assert data["invalid"] == [
        {
            "line": 1,
            "index": 1,
            "orgnr": "920000011",
            "reason": "«920000011» er ikke et gyldig organisasjonsnummer (feil kontrollsiffer).",
        }
    ]
    assert not Organisation.objects.exists()

    out = io.StringIO()
    call_command("import_enhetsregisteret", ONELINE_GZ, "--skip-invalid", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert (data["stored"], data["created"], data["updated"], data["skipped"]) == (True, 2, 0, [])
    skylager = Organisation.objects.get(orgnr="920000053")
    assert (skylager.kind, skylager.is_under_liquidation) == ("supplier", True)


@pytest.mark.django_db
def test_command_text_output():
    out = io.StringIO()
    call_command("import_enhetsregisteret", VALID, stdout=out)
    assert out.getvalue().splitlines() == [
        "enheter.json (lagret): 7 opprettet, 0 oppdatert, 0 uendret, 1 hoppet over, 0 ugyldige.",
        "Hoppet over:",
        "  linje 70, indeks 6, orgnr 920000088: Organisasjonsform FLI (Forening/lag/innretning) er verken "
        "offentlig virksomhet eller en leverandørform.",
    ]


@pytest.mark.django_db
def test_command_text_output_on_invalid_rows():
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_enhetsregisteret", INVALID, stdout=out)
    lines = out.getvalue().splitlines()
    assert (
        lines[0]
        == "enheter_invalid.json (IKKE lagret): 0 opprettet, 0 oppdatert, 0 uendret, 0 hoppet over, 3 ugyldige."
    )
    assert (
        lines[2]
        == "  linje 8, indeks 1, orgnr 988077918: «988077918» er ikke et gyldig organisasjonsnummer (feil kontrollsiffer)."
    )


def test_command_missing_file():
    with pytest.raises(CommandError, match="Fant ikke filen"):
        call_command("import_enhetsregisteret", "/finnes/ikke.json")


names = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=30
).filter(lambda s: s.strip())


@settings(max_examples=60, deadline=None)
@given(
    elements=st.lists(st.tuples(names, st.integers(0, 3)), min_size=1, max_size=8),
    chunk=st.integers(1, 40),
)
def test_positions_survive_any_chunking_and_layout(elements, chunk):
    """Elements pretty-printed with varying indents, read in tiny chunks (splitting tokens and UTF-8 characters)."""
    parts, expected, line = [], [], 2
    for index, (name, indent) in enumerate(elements):
        text = json.dumps(
            {"organisasjonsnummer": "920000010", "navn": name, "organisasjonsform": {"kode": "AS"}},
            indent=indent or None,
            ensure_ascii=False,
        )
        parts.append(text)
        expected.append((line, index, name.strip()))
        line += text.count("\n") + 1
    body = ("[\n" + ",\n".join(parts) + "\n]\n").encode()
    rows = list(rows_read(io.BytesIO(body), chunk_bytes=chunk))
    assert [(r.line, r.index, r.enhet.name if r.enhet else None) for r in rows] == expected
