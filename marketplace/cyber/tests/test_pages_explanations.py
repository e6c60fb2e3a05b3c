"""Every check id the families produce has a Norwegian title, reason and fix; unknown ids get a fallback."""

from __future__ import annotations

import pytest
from django.utils import translation

from marketplace.cyber import explanations
from marketplace.cyber.checks.base import Category

BRIEF_CHECK_IDS = [
    "web.https_exists",
    "web.https_forced",
    "web.hsts",
    "web.headers",
    "web.csp",
    "web.x_content_type_options",
    "web.x_frame_options",
    "web.referrer_policy",
    "web.cookies",
    "web.cors",
    "web.sri",
    "web.cross_origin",
    "web.security_txt",
    "tls.protocols",
    "tls.ciphers",
    "tls.key_exchange",
    "tls.curves",
    "tls.compression",
    "tls.renegotiation",
    "tls.certificate_trust",
    "tls.certificate_name",
    "tls.certificate_key",
    "tls.certificate_signature",
    "tls.certificate_expiry",
    "tls.ocsp_stapling",
    "tls.vulnerabilities",
    "tls.grade",
    "dns.dnssec",
    "dns.caa",
    "dns.ns_count",
    "dns.ns_ipv6",
    "dns.ns_reach",
    "dns.web_ipv6",
    "mail.mx",
    "mail.spf",
    "mail.dmarc",
    "mail.dkim",
    "mail.mta_sts",
    "mail.tls_rpt",
    "mail.starttls",
]


# Produced by the TLS family besides the brief's list (checks/tls/evaluate.py).
EXTRA_CHECK_IDS = (
    "tls.cipher_order",
    "tls.extended_master_secret",
    "tls.zero_rtt",
    "web.software",
    "human.awareness",
    "intel.kev",
    "intel.indicators",
)


def test_every_listed_check_has_an_explanation():
    assert sorted(explanations.CHECK_IDS) == sorted(BRIEF_CHECK_IDS + list(EXTRA_CHECK_IDS))
    assert len(explanations.CHECK_IDS) == 47


def test_every_web_check_has_an_explanation():
    from marketplace.cyber.checks.web.evaluate import CHECK_IDS as WEB_CHECK_IDS

    assert set(WEB_CHECK_IDS) <= set(explanations.CHECK_IDS)


def test_tls_checks_on_the_mail_servers_use_the_tls_texts():
    item = explanations.explain("mail.starttls_tls.protocols")
    assert item.is_known is True
    with translation.override("nb"):
        assert str(item.title) == "E-postservere (STARTTLS): TLS-versjoner"
    assert item.fix == explanations.explain("tls.protocols").fix
    assert explanations.explain("mail.starttls_tls.nonsense").is_known is False


@pytest.mark.parametrize("check_id", BRIEF_CHECK_IDS + list(EXTRA_CHECK_IDS))
def test_explanation_texts_are_present(check_id):
    item = explanations.explain(check_id)
    assert item.is_known is True
    assert item.check_id == check_id
    assert len(str(item.title)) >= 3
    assert len(str(item.why)) >= 40
    assert len(str(item.fix)) >= 30


def test_unknown_check_gets_the_fallback_with_its_id_as_title():
    item = explanations.explain("web.something_new")
    assert item.is_known is False
    assert item.title == "web.something_new"
    with translation.override("nb"):
        assert (
            str(item.why)
            == "Denne kontrollen har ingen forklaring ennå. Se observasjonen for hva som ble funnet."
        )
    assert explanations.title("web.something_new") == "web.something_new"


def test_every_category_has_a_label_and_labels_fall_back_to_the_key():
    assert set(explanations.CATEGORY_LABELS) == {str(category) for category in Category}
    with translation.override("nb"):
        assert explanations.category_label("email") == "E-postsikkerhet"
        assert explanations.status_label("fail") == "Ikke bestått"
        assert explanations.level_label("recommended") == "Anbefalt"
    assert explanations.category_label("quantum") == "quantum"
    assert explanations.status_label("odd") == "odd"


def test_every_dns_check_has_an_explanation():
    from marketplace.cyber.checks.dns.evaluate import CHECKS as DNS_CHECKS

    assert set(DNS_CHECKS) <= set(explanations.CHECK_IDS)


@pytest.mark.parametrize(
    ("evidence", "reason"),
    [
        (
            {"lookup": {"name": "x.no", "type": "A", "rcode": "NXDOMAIN"}},
            "x.no finnes ikke i DNS (NXDOMAIN).",
        ),
        (
            {"lookup": {"name": "x.no", "type": "A", "rcode": "TIMEOUT"}},
            "DNS-oppslaget for x.no fikk ikke svar i tide.",
        ),
        (
            {"lookup": {"name": "x.no", "type": "NS", "rcode": "SERVFAIL"}},
            "DNS-oppslaget for x.no feilet (SERVFAIL).",
        ),
        ({"error": "unresolvable", "detail": "[Errno -2]"}, "Navnet kunne ikke slås opp i DNS."),
        ({"error": "resolve"}, "Navnet kunne ikke slås opp i DNS."),
        ({"error": "timeout"}, "Tjenesten svarte ikke i tide."),
        ({"reason": "timeout", "detail": "budget 60 s exceeded"}, "Tjenesten svarte ikke i tide."),
        (
            {"error": "target_refused"},
            "Navnet peker til en privat eller intern adresse, som skanneren ikke kobler til.",
        ),
        ({"error": "headers_too_large"}, "Svaret hadde større headere enn skanneren tar imot (64 KB)."),
        ({"error": "garbage"}, "Svaret var ikke gyldig HTTP."),
        ({"error": "not_tls"}, "Nettverksfeil, tidsavbrudd eller et svar som ikke kunne leses."),
        ({}, "Nettverksfeil, tidsavbrudd eller et svar som ikke kunne leses."),
    ],
)
def test_error_reason(evidence, reason):
    assert explanations.error_reason(evidence) == reason


def test_a_result_that_could_not_run_gets_no_advice_about_the_check():
    evidence = {"lookup": {"name": "x.no", "type": "A", "rcode": "NXDOMAIN"}}
    item = explanations.explain_result("web.hsts", "error", evidence, "x.no")
    assert str(item.title) == str(explanations.explain("web.hsts").title)
    assert item.why == "Kontrollen kunne ikke kjøres: x.no finnes ikke i DNS (NXDOMAIN)."
    assert str(item.fix).startswith("Sjekk at navnet er stavet riktig, finnes i offentlig DNS")
    failed = explanations.explain_result("web.hsts", "fail", {"header": ""}, "x.no")
    assert failed.fix == explanations.explain("web.hsts").fix
