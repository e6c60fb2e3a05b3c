"""Knowledge base writes: articles (MPS staff), their tags and the attachment store.

Attachments (articles' files and meetings' slides) are checked by `knowledge_rules.attachment_check` before
anything is stored: extension and content type on the allow-list, size within MPS_UPLOAD_MAX_BYTES, the first
bytes matching the format. The file is written under DATA_DIR/uploads/insights/<year>/ and served only through
`insights:attachment_download`, which checks that the user may see the article or meeting.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.core.audit import audit_record
from marketplace.core.exceptions import PermissionDenied, ValidationFailed
from marketplace.core.search import search_index_update
from marketplace.insights import knowledge_rules as rules
from marketplace.insights.models import Article, ArticleKind, ArticleStatus, Attachment, Meeting, Tag
from marketplace.insights.permissions import can_edit_articles, can_manage_meetings

SEARCH_KIND = "insights.article"


def _denied() -> PermissionDenied:
    return PermissionDenied(_("Bare MPS kan skrive i kunnskapsbasen."))


def _check_article(*, title: str, summary: str, body: str, kind: str, tags: str) -> tuple[str, list[str]]:
    errors: list[dict[str, str]] = []
    if not title.strip():
        errors.append({"field": "title", "message": _("Skriv en tittel.")})
    elif len(title.strip()) > 200:
        errors.append({"field": "title", "message": _("Tittelen kan ha høyst 200 tegn.")})
    if not summary.strip():
        errors.append({"field": "summary", "message": _("Skriv et sammendrag.")})
    elif len(summary.strip()) > 1000:
        errors.append({"field": "summary", "message": _("Sammendraget kan ha høyst 1000 tegn.")})
    clean_body = rules.article_html(body)
    if not rules.html_text(clean_body):
        errors.append({"field": "body", "message": _("Skriv innholdet i artikkelen.")})
    if kind not in ArticleKind.values:
        errors.append({"field": "kind", "message": _("Ukjent type.")})
    names, tag_errors = rules.tags_parse(tags)
    if tag_errors:
        errors.append(
            {
                "field": "tags",
                "message": _("Høyst %(n)s emneord, hvert på høyst %(m)s tegn.")
                % {"n": rules.MAX_TAGS, "m": rules.MAX_TAG_LENGTH},
            }
        )
    if errors:
        raise ValidationFailed(_("Artikkelen er ikke lagret."), errors=errors)
    return clean_body, names


def _tags_for(names: list[str]) -> list[Tag]:
    tags = []
    for name in names:
        slug = rules.tag_slug(name)
        tag = Tag.objects.filter(slug=slug).first() or Tag.objects.create(name=name, slug=slug)
        tags.append(tag)
    return tags


def _index(article: Article) -> None:
    body = " ".join(
        [article.summary, rules.html_text(article.body), " ".join(t.name for t in article.tags.all())]
    )
    search_index_update(kind=SEARCH_KIND, object_id=article.pk, title=article.title, body=body)


@transaction.atomic
def article_create(
    *,
    actor: Any,
    title: str,
    summary: str,
    body: str,
    kind: str = ArticleKind.ARTICLE,
    tags: str = "",
    publish: bool = False,
    now: dt.datetime | None = None,
) -> Article:
    if not can_edit_articles(actor):
        raise _denied()
    clean_body, names = _check_article(title=title, summary=summary, body=body, kind=kind, tags=tags)
    now = now or timezone.now()
    article = Article.objects.create(
        title=title.strip(),
        summary=summary.strip(),
        body=clean_body,
        kind=kind,
        status=ArticleStatus.PUBLISHED if publish else ArticleStatus.DRAFT,
        published_at=now if publish else None,
        created_at=now,
        updated_at=now,
    )
    article.tags.set(_tags_for(names))
    article.authors.add(actor)
    _index(article)
    audit_record(
        actor=actor,
        verb="insights.article_create",
        target=article,
        data={"title": article.title, "status": article.status, "tags": names},
        now=now,
    )
    return article


@transaction.atomic
def article_update(
    *,
    actor: Any,
    article: Article,
    title: str,
    summary: str,
    body: str,
    kind: str,
    tags: str = "",
    publish: bool,
    now: dt.datetime | None = None,
) -> Article:
    """Edit; `publish` True publishes (keeping the first publication time), False takes it back to draft."""
    if not can_edit_articles(actor):
        raise _denied()
    clean_body, names = _check_article(title=title, summary=summary, body=body, kind=kind, tags=tags)
    now = now or timezone.now()
    article = Article.objects.select_for_update().get(pk=article.pk)
    was = article.status
    article.title, article.summary, article.body, article.kind = (
        title.strip(),
        summary.strip(),
        clean_body,
        kind,
    )
    article.status = ArticleStatus.PUBLISHED if publish else ArticleStatus.DRAFT
    if publish and article.published_at is None:
        article.published_at = now
    article.updated_at = now
    article.save()
    article.tags.set(_tags_for(names))
    article.authors.add(actor)
    _index(article)
    audit_record(
        actor=actor,
        verb="insights.article_update",
        target=article,
        data={"title": article.title, "status_before": was, "status": article.status, "tags": names},
        now=now,
    )
    return article


_PROBLEM_MESSAGES = {
    "name": lambda: _("Filnavnet kan ikke brukes."),
    "extension": lambda: _("Filtypen er ikke tillatt. Tillatt: PDF, DOCX, XLSX, PPTX, ODT, ODS, ODP og CSV."),
    "content_type": lambda: _("Innholdstypen passer ikke til filtypen."),
    "content": lambda: _("Innholdet i filen passer ikke til filtypen."),
    "empty": lambda: _("Filen er tom."),
    "size": lambda: _("Filen er for stor."),
}


def _store(
    *, actor: Any, upload: Any, article: Article | None, meeting: Meeting | None, now: dt.datetime
) -> Attachment:
    filename = str(getattr(upload, "name", "") or "").strip()
    size = int(getattr(upload, "size", 0) or 0)
    max_bytes = int(settings.MPS_UPLOAD_MAX_BYTES)
    head = b""
    if 0 < size <= max_bytes:
        upload.seek(0)
        head = upload.read(2048)
    problems = rules.attachment_check(
        filename=filename,
        content_type=str(getattr(upload, "content_type", "") or ""),
        size=size,
        head=head,
        max_bytes=max_bytes,
    )
    if problems:
        raise ValidationFailed(
            _("Vedlegget er ikke lagret."),
            errors=[{"field": "file", "message": _PROBLEM_MESSAGES[p.code]()} for p in problems],
        )
    upload.seek(0)
    content = upload.read()
    attachment = Attachment(
        article=article,
        meeting=meeting,
        filename=filename,
        content_type=rules.attachment_content_type(filename),
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_at=now,
        uploaded_by=actor,
    )
    attachment.file.save(filename, ContentFile(content), save=False)
    stored_name = attachment.file.name
    try:
        attachment.save()
    except Exception:
        attachment.file.storage.delete(stored_name)
        raise
    return attachment


@transaction.atomic
def attachment_add(
    *, actor: Any, article: Article, upload: Any, now: dt.datetime | None = None
) -> Attachment:
    if not can_edit_articles(actor):
        raise _denied()
    now = now or timezone.now()
    attachment = _store(actor=actor, upload=upload, article=article, meeting=None, now=now)
    audit_record(
        actor=actor,
        verb="insights.attachment_add",
        target=attachment,
        data={"article": article.pk, "filename": attachment.filename, "sha256": attachment.sha256},
        now=now,
    )
    return attachment


@transaction.atomic
def slides_add(*, actor: Any, meeting: Meeting, upload: Any, now: dt.datetime | None = None) -> Attachment:
    """Slides after a meeting: only once the meeting has started."""
    if not can_manage_meetings(actor):
        raise PermissionDenied(_("Bare MPS kan laste opp presentasjoner."))
    now = now or timezone.now()
    if meeting.starts_at > now:
        raise ValidationFailed(
            _("Presentasjoner lastes opp etter møtet."),
            errors=[{"field": "file", "message": _("Møtet har ikke startet ennå.")}],
        )
    attachment = _store(actor=actor, upload=upload, article=None, meeting=meeting, now=now)
    audit_record(
        actor=actor,
        verb="insights.slides_add",
        target=attachment,
        data={"meeting": meeting.pk, "filename": attachment.filename, "sha256": attachment.sha256},
        now=now,
    )
    return attachment


@transaction.atomic
def attachment_remove(*, actor: Any, attachment: Attachment) -> None:
    allowed = can_edit_articles(actor) if attachment.article_id else can_manage_meetings(actor)
    if not allowed:
        raise _denied()
    name, storage = attachment.file.name, attachment.file.storage
    audit_record(
        actor=actor,
        verb="insights.attachment_remove",
        target=attachment,
        data={"filename": attachment.filename, "sha256": attachment.sha256},
    )
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))
