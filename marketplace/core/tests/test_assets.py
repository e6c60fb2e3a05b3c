"""The apps' stylesheets are linked from <head> on every page, and no page links one from its body."""

from __future__ import annotations

import pytest
from django.urls import reverse

from marketplace.core.assets import stylesheets

pytestmark = pytest.mark.django_db


def test_every_app_stylesheet_is_linked_from_head_and_none_from_body(client):
    assert set(stylesheets()) == {
        "cyber/cyber.css",
        "cyber/intel.css",
        "finops/finops.css",
        "privacy/assessments.css",
        "insights/statistics.css",
    }
    for path in (reverse("home"), "/innsikt/", reverse("cyber:methodology"), reverse("privacy:terms_ssa")):
        response = client.get(path)
        assert response.status_code == 200, path
        head, body = response.content.decode().split("</head>", 1)
        for stylesheet in stylesheets():
            assert f'<link rel="stylesheet" href="/static/{stylesheet}">' in head, (path, stylesheet)
        assert 'rel="stylesheet"' not in body, path
