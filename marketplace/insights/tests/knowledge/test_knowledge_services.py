"""Knowledge base services: articles (MPS staff), tags, search index, attachments with the allow-list."""

from __future__ import annotations

import datetime as dt
import hashlib
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from marketplace.core.exceptions import PermissionDenied, ValidationFailed
from marketplace.core.models import AuditEvent
from marketplace.insights.models import Article, ArticleStatus, Attachment, Tag
from marketplace.insights.selectors.knowledge import article_list
from marketplace.insights.services import knowledge as services
from marketplace.insights.tests.knowledge.helpers import PDF_BYTES

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
pytestmark = pytest.mark.django_db


def _create(actor, **overrides):
    values = {
        "title": "FinOps-strategi",
        "summary": "Fire fokusområder.",
        "body": "<p>Kostnadsstyring i sky.</p><script>alert(1)</script>",
        "kind": "strategy",
        "tags": "FinOps, Strategi",
        "publish": True,
        "now": NOW,
    }
    values.update(overrides)
    return services.article_create(actor=actor, **values)


def test_article_create_sanitises_tags_indexes_and_audits(actors):
    article = _create(actors.staff)
    assert (article.title, article.body, article.status, article.published_at) == (
        "FinOps-strategi", "<p>Kostnadsstyring i sky.</p>", ArticleStatus.PUBLISHED, NOW,
    )  # fmt: skip
    assert sorted(article.tags.values_list("slug", flat=True)) == ["finops", "strategi"]
    assert list(article.authors.all()) == [actors.staff]
    event = AuditEvent.objects.get(verb="insights.article_create")
    assert (event.target_id, event.data) == (
        str(article.pk), {"title": "FinOps-strategi", "status": "published", "tags": ["FinOps", "Strategi"]},
    )  # fmt: skip
    assert list(article_list(actors.buyer, q="kostnadsstyring")) == [article]
    assert list(article_list(actors.buyer, q="kvantedatamaskin")) == []
    assert list(article_list(actors.buyer, tag="finops")) == [article]


def test_tags_are_shared_between_articles(actors):
    _create(actors.staff)
    _create(actors.staff, title="Veileder", tags="finops, Veiledning")
    assert Tag.objects.count() == 3


@pytest.mark.parametrize("who", ["buyer", "org_admin", "supplier"])
def test_article_create_denied_for_non_staff(actors, who):
    with pytest.raises(PermissionDenied):
        _create(getattr(actors, who))
    assert (Article.objects.count(), AuditEvent.objects.count(), Tag.objects.count()) == (0, 0, 0)


def test_article_create_validation_names_fields_and_stores_nothing(actors):
    with pytest.raises(ValidationFailed) as caught:
        _create(actors.staff, title=" ", summary="", body="<script>x</script>", kind="blog", tags="x" * 61)
    assert [e["field"] for e in caught.value.errors] == ["title", "summary", "body", "kind", "tags"]
    assert (Article.objects.count(), AuditEvent.objects.count()) == (0, 0)


def test_draft_hidden_from_public_and_update_publishes_keeping_first_time(actors):
    article = _create(actors.staff, publish=False)
    assert article.published_at is None
    assert list(article_list(actors.buyer)) == []
    assert list(article_list(actors.staff)) == [article]
    later = NOW + dt.timedelta(days=1)
    article = services.article_update(
        actor=actors.staff, article=article, title="Ny tittel", summary="S", body="<p>B</p>", kind="article",
        tags="", publish=True, now=later,
    )  # fmt: skip
    assert (article.status, article.published_at, article.tags.count()) == (ArticleStatus.PUBLISHED, later, 0)
    services.article_update(
        actor=actors.staff, article=article, title="Ny tittel", summary="S", body="<p>B</p>", kind="article",
        publish=False, now=later + dt.timedelta(days=1),
    )  # fmt: skip
    article.refresh_from_db()
    assert (article.status, article.published_at) == (ArticleStatus.DRAFT, later)
    assert list(
        AuditEvent.objects.filter(verb="insights.article_update").values_list("data__status", flat=True)
    ) == [
        "published",
        "draft",
    ]


def test_article_update_denied_changes_nothing(actors):
    article = _create(actors.staff)
    with pytest.raises(PermissionDenied):
        services.article_update(
            actor=actors.buyer, article=article, title="Hacket", summary="S", body="<p>B</p>", kind="article",
            publish=False,
        )  # fmt: skip
    article.refresh_from_db()
    assert (article.title, article.status) == ("FinOps-strategi", ArticleStatus.PUBLISHED)
    assert AuditEvent.objects.filter(verb="insights.article_update").count() == 0


def test_attachment_add_stores_under_data_dir_with_hash(actors, settings):
    article = _create(actors.staff)
    upload = SimpleUploadedFile("rapport.pdf", PDF_BYTES, content_type="application/pdf")
    attachment = services.attachment_add(actor=actors.staff, article=article, upload=upload)
    assert (attachment.filename, attachment.content_type, attachment.size) == (
        "rapport.pdf", "application/pdf", len(PDF_BYTES),
    )  # fmt: skip
    assert attachment.file.path.startswith(str(settings.DATA_DIR / "uploads" / "insights"))
    with attachment.file.open("rb") as handle:
        assert handle.read() == PDF_BYTES
    event = AuditEvent.objects.get(verb="insights.attachment_add")
    assert event.data == {
        "article": article.pk, "filename": "rapport.pdf", "sha256": hashlib.sha256(PDF_BYTES).hexdigest(),
    }  # fmt: skip
    assert attachment.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()


@pytest.mark.parametrize(
    ("name", "content", "content_type", "message"),
    [
        ("skript.exe", b"MZ", "application/octet-stream", "Filtypen er ikke tillatt"),
        ("rapport.pdf", b"<html></html>", "application/pdf", "Innholdet i filen passer ikke"),
        ("rapport.pdf", PDF_BYTES, "text/html", "Innholdstypen passer ikke"),
        ("tom.csv", b"", "text/csv", "Filen er tom"),
    ],
)
def test_attachment_refused_stores_nothing(actors, settings, name, content, content_type, message):
    article = _create(actors.staff)
    with pytest.raises(ValidationFailed) as caught:
        services.attachment_add(
            actor=actors.staff,
            article=article,
            upload=SimpleUploadedFile(name, content, content_type=content_type),
        )
    assert caught.value.errors[0]["message"].startswith(message)
    assert Attachment.objects.count() == 0
    assert not (settings.DATA_DIR / "uploads").exists()


def test_attachment_too_large(actors, settings):
    settings.MPS_UPLOAD_MAX_BYTES = 20
    article = _create(actors.staff)
    with pytest.raises(ValidationFailed) as caught:
        services.attachment_add(
            actor=actors.staff, article=article,
            upload=SimpleUploadedFile("r.pdf", PDF_BYTES, content_type="application/pdf"),
        )  # fmt: skip
    assert [e["message"] for e in caught.value.errors] == ["Filen er for stor."]
    assert Attachment.objects.count() == 0


def test_attachment_denied_for_buyer(actors):
    article = _create(actors.staff)
    with pytest.raises(PermissionDenied):
        services.attachment_add(
            actor=actors.buyer, article=article,
            upload=SimpleUploadedFile("r.pdf", PDF_BYTES, content_type="application/pdf"),
        )  # fmt: skip
    assert (
        Attachment.objects.count(),
        AuditEvent.objects.filter(verb="insights.attachment_add").count(),
    ) == (0, 0)


def test_attachment_remove_deletes_file_on_commit(actors, django_capture_on_commit_callbacks):
    article = _create(actors.staff)
    attachment = services.attachment_add(
        actor=actors.staff, article=article,
        upload=SimpleUploadedFile("r.pdf", PDF_BYTES, content_type="application/pdf"),
    )  # fmt: skip
    path = attachment.file.path
    with django_capture_on_commit_callbacks(execute=True):
        services.attachment_remove(actor=actors.staff, attachment=attachment)
    assert Attachment.objects.count() == 0
    assert not os.path.exists(path)
    assert AuditEvent.objects.filter(verb="insights.attachment_remove").count() == 1
