"""Exchange rates: CSV load (all or nothing), the `mps finops rates` command, the demo rates."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import translation

from marketplace.core.models import AuditEvent
from marketplace.finops.models import ExchangeRate
from marketplace.finops.services.rates import RatesError, finops_rates_load, rate_for

pytestmark = pytest.mark.django_db

GOOD = """currency,month,nok_per_unit,source
USD,2025-01,11.3300,Norges Bank
eur,2025-02,"11,67",Norges Bank
"""


def test_rates_load_creates_then_updates():
    assert finops_rates_load(lines=GOOD.splitlines()).as_dict() == {"created": 2, "updated": 0}
    assert rate_for("USD", dt.date(2025, 1, 15)) == Decimal("11.33")
    assert rate_for("EUR", dt.date(2025, 2, 1)) == Decimal("11.67")
    assert rate_for("NOK", dt.date(2025, 2, 1)) == Decimal(1)
    assert rate_for("USD", dt.date(2025, 3, 1)) is None
    again = finops_rates_load(lines=["currency,month,nok_per_unit,source", "USD,2025-01,11.40,Norges Bank"])
    assert again.as_dict() == {"created": 0, "updated": 1}
    assert rate_for("USD", dt.date(2025, 1, 1)) == Decimal("11.40")
    assert AuditEvent.objects.filter(verb="finops.rates_load").count() == 2


@pytest.mark.parametrize(
    ("line", "error"),
    [
        ("USD,2025-13,11,x", "line 3: month must be YYYY-MM"),
        ("US,2025-01,11,x", "line 3: currency must be a three-letter ISO code"),
        ("NOK,2025-01,1,x", "line 3: currency must be a three-letter ISO code"),
        ("SEK,2025-01,-1,x", "line 3: nok_per_unit must be greater than 0"),
        ("SEK,2025-01,ti,x", "line 3: nok_per_unit is not a number"),
        ("SEK,2025-01,1,", "line 3: source is required"),
        ("USD,2025-01,11.5,x", "line 3: USD 2025-01 appears twice"),
    ],
)
def test_one_bad_line_stores_nothing(line, error):
    lines = ["currency,month,nok_per_unit,source", "USD,2025-01,11.33,Norges Bank", line]
    with pytest.raises(RatesError) as caught:
        finops_rates_load(lines=lines)
    assert caught.value.errors[0].startswith(error)
    assert not ExchangeRate.objects.exists()


def test_wrong_header_is_refused():
    with pytest.raises(RatesError, match="header"):
        finops_rates_load(lines=["valuta,maaned,kurs,kilde", "USD,2025-01,11,x"])


def _run(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("finops", "rates", *args, stdout=out)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue()
    return 0, out.getvalue()


def test_rates_command_imports_and_lists(tmp_path):
    path = tmp_path / "kurser.csv"
    path.write_text(GOOD, encoding="utf-8")
    assert _run("import", str(path), "--format", "json") == (
        0,
        '{"status": "done", "created": 2, "updated": 0}\n',
    )
    code, out = _run("list", "--format", "json")
    assert code == 0
    assert [(r["currency"], r["month"], r["nok_per_unit"]) for r in json.loads(out)] == [
        ("EUR", "2025-02", "11.67000000"),
        ("USD", "2025-01", "11.33000000"),
    ]


def test_rates_command_bad_file_exits_1(tmp_path):
    path = tmp_path / "kurser.csv"
    path.write_text("currency,month,nok_per_unit,source\nUSD,januar,11,x\n", encoding="utf-8")
    code, out = _run("import", str(path), "--format", "json")
    assert code == 1
    assert json.loads(out)["errors"] == ["line 2: month must be YYYY-MM, not 'januar'"]
    assert not ExchangeRate.objects.exists()


def test_demo_rates_file_loads():
    from marketplace.finops.demo import RATES_FILE

    result = finops_rates_load(lines=RATES_FILE.read_text(encoding="utf-8").splitlines())
    assert result.created == 48
    assert rate_for("EUR", dt.date(2025, 1, 1)) == Decimal("11.77")


@pytest.mark.parametrize(
    ("lines", "code", "line", "english", "norwegian"),
    [
        (
            ["a,b"],
            "header",
            None,
            "The first line must be the header currency,month,nok_per_unit,source",
            "Første linje må være overskriften currency,month,nok_per_unit,source.",
        ),
        (
            ["currency,month,nok_per_unit,source"],
            "empty",
            None,
            "The file holds no rates",
            "Filen har ingen kurser.",
        ),
        (
            ["currency,month,nok_per_unit,source", "USD,1"],
            "fields",
            2,
            "line 2: expected 4 fields, got 2",
            "Linje 2: forventet 4 felt, fant 2.",
        ),
        (
            ["currency,month,nok_per_unit,source", "us,2025-01,1,x"],
            "currency",
            2,
            "line 2: currency must be a three-letter ISO code other than NOK, not 'us'",
            "Linje 2: valuta må være en ISO-kode på tre bokstaver (ikke NOK), ikke «us».",
        ),
        (
            ["currency,month,nok_per_unit,source", "USD,2025-1,1,x"],
            "month",
            2,
            "line 2: month must be YYYY-MM, not '2025-1'",
            "Linje 2: måned må være ÅÅÅÅ-MM, ikke «2025-1».",
        ),
        (
            ["currency,month,nok_per_unit,source", "USD,2025-01,ti,x"],
            "rate_not_number",
            2,
            "line 2: nok_per_unit is not a number: 'ti'",
            "Linje 2: nok_per_unit er ikke et tall: «ti».",
        ),
        (
            ["currency,month,nok_per_unit,source", "USD,2025-01,0,x"],
            "rate_not_positive",
            2,
            "line 2: nok_per_unit must be greater than 0",
            "Linje 2: nok_per_unit må være større enn 0.",
        ),
        (
            ["currency,month,nok_per_unit,source", "USD,2025-01,1,"],
            "source_missing",
            2,
            "line 2: source is required (e.g. 'Norges Bank, monthly average')",
            "Linje 2: kilde mangler (for eksempel «Norges Bank, månedsgjennomsnitt»).",
        ),
        (
            ["currency,month,nok_per_unit,source", "USD,2025-01,1,x", "USD,2025-01,2,x"],
            "duplicate",
            3,
            "line 3: USD 2025-01 appears twice",
            "Linje 3: USD 2025-01 står to ganger.",
        ),
    ],
)
def test_every_refusal_has_a_code_and_both_languages(lines, code, line, english, norwegian):
    with pytest.raises(RatesError) as caught:
        finops_rates_load(lines=lines)
    (issue,) = caught.value.issues
    assert (issue.code, issue.line) == (code, line)
    assert caught.value.errors == [english] == [issue.message]
    with translation.override("nb"):
        assert issue.text() == norwegian
    assert not ExchangeRate.objects.exists()
