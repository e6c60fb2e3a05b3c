"""The baseline's Bokmål texts are all in the translation catalogue and the pages show them in English on request."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from marketplace.privacy import baseline, terms_rules


def _file_texts() -> set[str]:
    data = terms_rules.baseline()
    return {
        entry[name]
        for entry in [*data["topics"], *data["cma_flags"]]
        for name in baseline.TEXT_FIELDS
        if entry.get(name)
    }


def test_every_text_of_the_file_is_listed_for_translation():
    assert set(baseline.TEXTS) == _file_texts()


def test_every_text_has_an_english_translation():
    with translation.override("en"):
        untranslated = [text for text in baseline.TEXTS if translation.gettext(text) == text]
    assert untranslated == []


@pytest.mark.django_db
def test_baseline_page_in_english():
    client = Client()
    url = reverse("privacy:terms_index")
    topic = terms_rules.baseline()["topics"][0]
    assert topic["title"] in client.get(url).content.decode()
    client.cookies["mps_language"] = "en"
    english = client.get(url).content.decode()
    with translation.override("en"):
        expected = baseline.topic(topic["key"])
    assert expected["title"] != topic["title"]
    assert expected["title"] in english
    assert expected["baseline"] in english
    assert topic["baseline"] not in english
