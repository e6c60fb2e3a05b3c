"""Bad input never raises: SPF, DMARC and the evaluation of arbitrary TXT answers always end in a result."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from marketplace.cyber.checks.base import Status
from marketplace.cyber.checks.mail import dmarc, spf
from marketplace.cyber.checks.mail.evaluate import evaluate
from marketplace.cyber.checks.mail.retrieve import MailEvidence
from marketplace.cyber.checks.mail.spf import TxtAnswer
from marketplace.cyber.tests.mail.test_evaluate import evidence

D = "example.test"
SPF_TERMS = st.sampled_from(
    [
        "a",
        "mx",
        "ptr",
        "-all",
        "~all",
        "?all",
        "+all",
        "all",
        "include:x.test",
        "include:example.test",
        "redirect=x.test",
        "redirect=example.test",
        "exists:%{i}.x.test",
        "ip4:192.0.2.0/24",
        "ip6:2001:db8::/32",
        "ip4:",
        "ip6:1.2.3.4",
        "exp=x.test",
        "foo=bar",
        "include:",
        "a:/24",
        "mx/24",
        "garbage",
        "v=spf1",
        "\x00",
    ]
)
SPF_RECORD = st.lists(SPF_TERMS, max_size=15).map(lambda terms: " ".join(["v=spf1", *terms]))
TEXT = st.one_of(SPF_RECORD, st.text(max_size=60))
RCODE = st.sampled_from(["NOERROR", "NXDOMAIN", "SERVFAIL", "TIMEOUT", "ERROR"])
ANSWER = st.builds(TxtAnswer, RCODE, st.lists(TEXT, max_size=3).map(tuple))


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.sampled_from([D, "x.test"]), ANSWER, min_size=1))
def test_spf_never_raises(answers):
    result = spf.analyse(D, answers)
    assert result.lookups >= 0
    assert result.error in (
        "",
        "missing",
        "multiple",
        "syntax",
        "too_many_lookups",
        "loop",
        "include_without_spf",
        "temperror",
    )


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.one_of(st.text(max_size=60), st.text(max_size=40).map(lambda t: "v=DMARC1;" + t)), max_size=3
    ),
    st.none() | st.lists(st.text(max_size=40).map(lambda t: "v=DMARC1; " + t), max_size=2),
)
def test_dmarc_never_raises(texts, org_texts):
    result = dmarc.analyse(
        "a.example.test",
        tuple(texts),
        org_domain=D,
        org_texts=tuple(org_texts) if org_texts is not None else None,
    )
    assert result.policy in ("", "none", "quarantine", "reject")
    assert bool(result.policy) != bool(result.error)


@settings(max_examples=60, deadline=None)
@given(ANSWER, ANSWER, ANSWER, ANSWER, ANSWER, st.booleans())
def test_evaluate_never_raises(spf_answer, dmarc_answer, dkim, mta_sts, tls_rpt, null_mx):
    built: MailEvidence = evidence(
        spf={D: spf_answer}, dmarc=dmarc_answer, dkim=dkim, mta_sts=mta_sts, tls_rpt=tls_rpt, null_mx=null_mx
    )
    results = evaluate(built)
    assert len(results) == 7
    assert all(isinstance(r.status, Status) for r in results)
