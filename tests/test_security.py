"""Security of the base layout: headers on every page, and no markup that a strict CSP would have to allow.

The same HTML checks run in the browser tests over every page the crawler reaches on the demo server
(tests/e2e/test_security_live.py); here they run on the pages one can reach with a little data.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from marketplace.accounts.models import Membership, Organisation, Role, User
from marketplace.catalogue.tests.factories import FrameworkFactory, ServiceFactory
from tests.security_html import csp_directives, csp_findings, html_findings

PUBLIC_URL_NAMES = [
    "home",
    "catalogue:service_list",
    "catalogue:framework_list",
    "suppliers:supplier_list",
    "core:accessibility",
    "accounts:login",
]
MEMBER_URL_NAMES = ["accounts:profile", "accounts:password_change", "catalogue:shortlist_list"]


def assert_page_is_clean(response, host: str = "testserver") -> None:  # type: ignore[no-untyped-def]
    assert response["Content-Type"].startswith("text/html")
    assert csp_findings(response.get("Content-Security-Policy")) == []
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert html_findings(response.content.decode(), host) == []


def test_csp_header_is_strict_on_the_home_page(db: None) -> None:
    response = Client().get("/")
    assert response.status_code == 200
    directives = csp_directives(response["Content-Security-Policy"])
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", PUBLIC_URL_NAMES)
def test_public_page_is_clean(url_name: str) -> None:
    response = Client().get(reverse(url_name))
    assert response.status_code == 200
    assert_page_is_clean(response)


@pytest.mark.django_db
def test_pages_with_catalogue_data_are_clean() -> None:
    service = ServiceFactory(name="Objektlagring Nord", summary="Lagring i Norge")
    framework = FrameworkFactory(name="CIPS 2025")
    client = Client()
    for url in (
        reverse("catalogue:service_detail", args=[service.pk]),
        reverse("catalogue:framework_detail", args=[framework.pk]),
        reverse("catalogue:service_list"),
        reverse("home"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_page_is_clean(response)


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", MEMBER_URL_NAMES)
def test_member_page_is_clean(
    url_name: str,
    buyer_org: Organisation,
    other_buyer_org: Organisation,
    make_member: Callable[..., User],
    login: Callable[..., Client],
) -> None:
    user = make_member(buyer_org, Role.BUYER)
    # Two organisations: the header shows the organisation switch.
    Membership.objects.create(user=user, organisation=other_buyer_org, role=Role.BUYER)
    client = login(user, buyer_org)
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="org-switch-select"' in html
    assert_page_is_clean(response)


@pytest.mark.django_db
def test_error_pages_are_clean() -> None:
    response = Client().get("/finnes-ikke/")
    assert response.status_code == 404
    assert_page_is_clean(response)
    locked = Client().get(reverse("catalogue:service_detail", args=[999_999]))
    assert locked.status_code == 404
    assert_page_is_clean(locked)


@pytest.mark.django_db
def test_api_docs_use_local_assets_only() -> None:
    """Swagger UI comes from django-ninja's static files, not a CDN; its settings are a JSON data block."""
    response = Client().get(reverse("api:openapi-view"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "cdn." not in html
    assert html_findings(html, "testserver") == []
    assert csp_findings(response["Content-Security-Policy"]) == []


@pytest.mark.django_db
def test_json_responses_carry_nosniff_and_frame_denial() -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ('<script src="/static/a.js"></script>', []),
        ('<script type="application/json" id="x">{"a": 1}</script>', []),
        ("<script>alert(1)</script>", ["line 1: inline <script>: 'alert(1)'"]),
        ("<script></script>", ["line 1: empty inline <script> without src"]),
        ('<p style="color:red">x</p>', ["line 1: style= attribute on <p>: 'color:red'"]),
        ("<style>p{}</style>", ["line 1: inline <style> element"]),
        ('<button onclick="go()">x</button>', ["line 1: event handler onclick= on <button>"]),
        ('<a href="javascript:go()">x</a>', ["line 1: javascript: URL in <a href>"]),
        (
            '<link rel="stylesheet" href="https://cdn.example/x.css">',
            ["line 1: <link href> loads from another host: https://cdn.example/x.css"],
        ),
        (
            '<script src="//cdn.example/x.js"></script>',
            ["line 1: <script src> loads from another host: //cdn.example/x.js"],
        ),
        ('<link rel="stylesheet" href="http://testserver/static/x.css">', []),
        ('<a href="https://www.dfo.no/">DFØ</a>', []),
    ],
)
def test_html_findings(html: str, expected: list[str]) -> None:
    assert html_findings(html, "testserver") == expected


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            "default-src 'self'; script-src 'self'; style-src 'self'; object-src 'none'; "
            "base-uri 'self'; frame-ancestors 'none'",
            [],
        ),
        (None, ["no Content-Security-Policy header"]),
        (
            "default-src 'self'; script-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'self'; "
            "frame-ancestors 'none'",
            ["script-src allows 'unsafe-inline'"],
        ),
        (
            "script-src https:; style-src 'self' 'unsafe-inline'",
            [
                "script-src lacks 'self': ['https:']",
                "script-src allows https:",
                "style-src allows 'unsafe-inline'",
                "object-src is not 'none': None",
                "frame-ancestors is not 'none': None",
                "base-uri is not restricted: None",
            ],
        ),
    ],
)
def test_csp_findings(header: str | None, expected: list[str]) -> None:
    assert csp_findings(header) == expected
