from __future__ import annotations

import pytest

from marketplace.accounts.rules import (
    InvalidOrgnr,
    orgnr_clean,
    orgnr_first_valid_from,
    token_hash,
    token_prefix,
)


@pytest.mark.parametrize(
    ("_case", "raw", "expected"),
    [
        ("brreg", "974760673", "974760673"),
        ("spaces as displayed", "974 760 673", "974760673"),
        ("dashes and dots", "988-077.917", "988077917"),
        ("surrounding blanks", "  912660680 ", "912660680"),
    ],
)
def test_orgnr_clean_accepts_valid_numbers(_case, raw, expected):
    assert orgnr_clean(raw) == expected


@pytest.mark.parametrize(
    ("_case", "raw", "message"),
    [
        ("empty", "", "Organisasjonsnummer mangler."),
        ("letters", "97476067A", "«97476067A» er ikke et organisasjonsnummer: det må være 9 sifre."),
        ("too short", "97476067", "«97476067» er ikke et organisasjonsnummer: det må være 9 sifre."),
        (
            "wrong check digit",
            "988077918",
            "«988077918» er ikke et gyldig organisasjonsnummer (feil kontrollsiffer).",
        ),
    ],
)
def test_orgnr_clean_refuses_invalid_numbers_with_a_norwegian_message(_case, raw, message):
    with pytest.raises(InvalidOrgnr) as raised:
        orgnr_clean(raw)
    assert str(raised.value) == message


def test_first_valid_orgnr_from_a_base():
    # 97476067 + check digit 3 is Brønnøysundregistrene's own number
    assert orgnr_first_valid_from(97476067) == "974760673"
    assert orgnr_first_valid_from(12345678) == "123456785"
    # no check digit makes 81000004x valid (MOD11 would need 10), so the next base is used
    assert orgnr_first_valid_from(81000004) == "810000058"


def test_token_hash_and_prefix():
    token = "mps_abcdefghijklmnop"
    assert token_prefix(token) == "mps_abcdefgh"
    assert token_hash(token) == "ba88de17b85276a45c219bc9d131ef8dda56e697a846435855649f34f03dc341"
