"""Software identity (banners, generator tags, declared text, CPE 2.3, purl) and STIX pattern matching: pure rules."""

from __future__ import annotations

import pytest

from marketplace.cyber.intel_rules import (
    Observable,
    UnparsableSoftware,
    cpe23,
    external_cve_ids,
    kev_key,
    observable_hits,
    parse_software,
    pattern_observables,
    software_strings,
)


@pytest.mark.parametrize(
    ("source", "text", "vendor", "product", "version", "cpe", "kev_keys"),
    [
        (
            "banner",
            "nginx/1.18.0",
            "f5",
            "nginx",
            "1.18.0",
            "cpe:2.3:a:f5:nginx:1.18.0:*:*:*:*:*:*:*",
            ("f5|nginx", "nginx|nginx"),
        ),
        (
            "banner",
            "Apache/2.4.49 (Unix)",
            "apache",
            "http_server",
            "2.4.49",
            "cpe:2.3:a:apache:http_server:2.4.49:*:*:*:*:*:*:*",
            ("apache|http server",),
        ),
        (
            "banner",
            "Apache/2.4.49 (Unix) OpenSSL/1.1.1k",
            "apache",
            "http_server",
            "2.4.49",
            "cpe:2.3:a:apache:http_server:2.4.49:*:*:*:*:*:*:*",
            ("apache|http server",),
        ),
        (
            "banner",
            "Microsoft-IIS/10.0",
            "microsoft",
            "internet_information_services",
            "10.0",
            "cpe:2.3:a:microsoft:internet_information_services:10.0:*:*:*:*:*:*:*",
            ("microsoft|internet information services (iis)", "microsoft|iis"),
        ),
        (
            "banner",
            "nginx",
            "f5",
            "nginx",
            "",
            "cpe:2.3:a:f5:nginx:*:*:*:*:*:*:*:*",
            ("f5|nginx", "nginx|nginx"),
        ),
        (
            "banner",
            "PHP/7.4.3",
            "php",
            "php",
            "7.4.3",
            "cpe:2.3:a:php:php:7.4.3:*:*:*:*:*:*:*",
            ("php|php",),
        ),
        (
            "generator",
            "WordPress 5.8",
            "wordpress",
            "wordpress",
            "5.8",
            "cpe:2.3:a:wordpress:wordpress:5.8:*:*:*:*:*:*:*",
            ("wordpress|wordpress",),
        ),
        (
            "generator",
            "Drupal 9 (https://www.drupal.org)",
            "drupal",
            "drupal",
            "9",
            "cpe:2.3:a:drupal:drupal:9:*:*:*:*:*:*:*",
            ("drupal|drupal core", "drupal|drupal"),
        ),
        (
            "declared",
            "Microsoft Exchange Server 2019",
            "microsoft",
            "exchange_server",
            "2019",
            "cpe:2.3:a:microsoft:exchange_server:2019:*:*:*:*:*:*:*",
            ("microsoft|exchange server", "microsoft|exchange"),
        ),
        (
            "declared",
            "Oracle WebLogic Server 12.2.1.3",
            "oracle",
            "weblogic_server",
            "12.2.1.3",
            "cpe:2.3:a:oracle:weblogic_server:12.2.1.3:*:*:*:*:*:*:*",
            ("oracle|weblogic server",),
        ),
        (
            "declared",
            "cpe:2.3:a:synacor:zimbra_collaboration_suite:8.8.15:*:*:*:*:*:*:*",
            "synacor",
            "zimbra_collaboration_suite",
            "8.8.15",
            "cpe:2.3:a:synacor:zimbra_collaboration_suite:8.8.15:*:*:*:*:*:*:*",
            ("synacor|zimbra collaboration suite (zcs)", "zimbra|collaboration (zcs)"),
        ),
        (
            "declared",
            "pkg:maven/org.springframework/spring-beans@5.3.17",
            "vmware",
            "spring_framework",
            "5.3.17",
            "cpe:2.3:a:vmware:spring_framework:5.3.17:*:*:*:*:*:*:*",
            ("vmware|spring framework",),
        ),
        (
            "declared",
            "pkg:pypi/langflow@1.2.0",
            "langflow",
            "langflow",
            "1.2.0",
            "cpe:2.3:a:langflow:langflow:1.2.0:*:*:*:*:*:*:*",
            ("langflow|langflow",),
        ),
        (
            "declared",
            "nginx/1.25.3",
            "f5",
            "nginx",
            "1.25.3",
            "cpe:2.3:a:f5:nginx:1.25.3:*:*:*:*:*:*:*",
            ("f5|nginx", "nginx|nginx"),
        ),
        # Not in the alias map: no vendor, no CPE; the name is still tried against KEV as vendor = product.
        ("declared", "Ukjent Portal 3.1", "", "ukjent portal", "3.1", "", ("ukjent portal|ukjent portal",)),
        ("banner", "Caddy", "", "caddy", "", "", ("caddy|caddy",)),
    ],
)
def test_parse_software(source, text, vendor, product, version, cpe, kev_keys):
    identity = parse_software(source, text)
    assert (identity.vendor, identity.product, identity.version, identity.cpe, identity.kev_keys) == (
        vendor,
        product,
        version,
        cpe,
        kev_keys,
    )


def test_purl_is_kept_normalised():
    identity = parse_software("declared", "pkg:maven/org.springframework/spring-beans@5.3.17")
    assert identity.purl == "pkg:maven/org.springframework/spring-beans@5.3.17"
    assert identity.is_known


def test_unknown_cpe_keeps_its_own_vendor_and_product_as_kev_key():
    identity = parse_software("declared", "cpe:2.3:a:git-scm:git:2.40.0:*:*:*:*:*:*:*")
    assert identity.kev_keys == ("git|git",)  # through the alias map (Git / Git in KEV)
    other = parse_software("declared", "cpe:2.3:a:acme:widget:1.0:*:*:*:*:*:*:*")
    assert (other.vendor, other.product, other.version, other.kev_keys, other.is_known) == (
        "acme",
        "widget",
        "1.0",
        ("acme|widget",),
        False,
    )


@pytest.mark.parametrize(
    ("source", "text"),
    [
        ("declared", ""),
        ("declared", "   "),
        ("declared", "cpe:2.3:a:only:three"),
        ("declared", "cpe:2.3:x:vendor:product:1:*:*:*:*:*:*:*"),
        ("declared", "cpe:2.3:a:*:product:1:*:*:*:*:*:*:*"),
        ("declared", "pkg:"),
        ("declared", "pkg:maven"),
        ("banner", "/1.0"),
        ("generator", ""),
        ("sbom", "nginx/1.0"),
    ],
)
def test_unparsable_software(source, text):
    with pytest.raises(UnparsableSoftware):
        parse_software(source, text)


def test_cpe_escapes_special_characters():
    assert (
        cpe23("a", "vendor", "product", "1.0 beta:2")
        == r"cpe:2.3:a:vendor:product:1.0\ beta\:2:*:*:*:*:*:*:*"
    )
    assert cpe23("o", "microsoft", "windows", "") == "cpe:2.3:o:microsoft:windows:*:*:*:*:*:*:*:*"


def test_kev_key_ignores_case_and_spacing():
    assert (
        kev_key("Microsoft ", "Exchange  Server")
        == kev_key("microsoft", "exchange server")
        == "microsoft|exchange server"
    )


def test_pattern_observables_from_the_poison_ivy_indicator():
    pattern = (
        "[domain-name:value = 'www.webserver.dynssl.com' OR ipv4-addr:value = '113.10.246.30' OR "
        "ipv4-addr:value = '219.90.112.203' OR ipv4-addr:value = '219.90.112.203']"
    )
    assert pattern_observables(pattern) == [
        Observable("domain-name", "www.webserver.dynssl.com"),
        Observable("ipv4-addr", "113.10.246.30"),
        Observable("ipv4-addr", "219.90.112.203"),
    ]


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("[url:value = 'http://x4z9arb.cn/4712/']", [Observable("domain-name", "x4z9arb.cn")]),
        ("[url:value = 'https://198.51.100.7:8443/a']", [Observable("ipv4-addr", "198.51.100.7")]),
        ("[domain-name:value = 'Evil.Example.']", [Observable("domain-name", "evil.example")]),
        ("[ipv6-addr:value = '2001:db8::1']", [Observable("ipv6-addr", "2001:db8::1")]),
        ("[ipv4-addr:value = '198.51.100.0/24']", [Observable("ipv4-addr", "198.51.100.0/24")]),
        ("[file:name = 'CBricksDoc']", []),
        ("[file:hashes.'SHA-256' = 'abc']", []),
        ("", []),
    ],
)
def test_pattern_observables(pattern, expected):
    assert pattern_observables(pattern) == expected


def test_observable_hits():
    names = {"www.nve.no", "nve.no"}
    addresses = {"198.51.100.7", "198.51.100.200", "203.0.113.5", "2001:db8::1"}
    assert observable_hits(Observable("domain-name", "www.nve.no"), names, addresses) == ["www.nve.no"]
    assert observable_hits(Observable("domain-name", "evil.nve.no"), names, addresses) == []
    assert observable_hits(Observable("ipv4-addr", "203.0.113.5"), names, addresses) == ["203.0.113.5"]
    assert observable_hits(Observable("ipv4-addr", "198.51.100.0/24"), names, addresses) == [
        "198.51.100.200",
        "198.51.100.7",
    ]
    assert observable_hits(Observable("ipv6-addr", "2001:db8::/32"), names, addresses) == ["2001:db8::1"]
    assert observable_hits(Observable("ipv4-addr", "not-an-ip"), names, addresses) == []


def test_external_cve_ids():
    vulnerability = {
        "type": "vulnerability",
        "name": "CVE-2012-0158",
        "external_references": [{"source_name": "cve", "external_id": "CVE-2012-0158"}],
    }
    assert external_cve_ids(vulnerability) == ["CVE-2012-0158"]
    indicator = {
        "type": "indicator",
        "name": "x",
        "external_references": [
            {"source_name": "cve", "external_id": "cve-2021-44228"},
            {"source_name": "capec", "external_id": "CAPEC-1"},
            {"source_name": "cve", "external_id": "not a cve"},
        ],
    }
    assert external_cve_ids(indicator) == ["CVE-2021-44228"]
    assert external_cve_ids({"type": "malware", "name": "CVE-2020-0001"}) == []


def test_software_strings_from_a_response():
    headers = {
        "Server": "Apache/2.4.49 (Unix)",
        "X-Powered-By": "PHP/7.4.3",
        "x-aspnet-version": "4.0.30319",
        "Content-Type": "text/html",
    }
    html = (
        '<html><head><meta name="Generator" content="WordPress  5.8">'
        '<meta name="generator" content="WordPress 5.8"><meta name="description" content="x"></head></html>'
    )
    assert software_strings(headers, html) == [
        ("banner", "Apache/2.4.49 (Unix)"),
        ("banner", "PHP/7.4.3"),
        ("banner", "ASP.NET/4.0.30319"),
        ("generator", "WordPress 5.8"),
    ]


@pytest.mark.parametrize(
    ("headers", "html", "expected"),
    [
        ({}, "", []),
        ({"Server": "   "}, "<meta name=generator>", []),
        ({"Server": "x" * 5000}, "", [("banner", "x" * 300)]),
        (
            {},
            "<meta name='generator' content='Hugo 0.111.3'><<<<>>>&#xZZ;<meta",
            [("generator", "Hugo 0.111.3")],
        ),
        ({}, "<div>" * 110_000 + '<meta name="generator" content="late">', []),  # beyond the first 512 KiB
    ],
)
def test_software_strings_with_odd_input(headers, html, expected):
    assert software_strings(headers, html) == expected
