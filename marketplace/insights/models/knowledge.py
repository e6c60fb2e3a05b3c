"""Cloud R&A knowledge base (knowledge area): articles and reports written by MPS staff, tags, and an attachment
store shared with information meetings (slides after a meeting)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["Article", "ArticleKind", "ArticleStatus", "Attachment", "Tag", "attachment_storage"]


class UploadStorage(FileSystemStorage):
    """Files under DATA_DIR/uploads (read at each use, so a changed DATA_DIR in tests is honoured); never served
    directly, only through the download view."""

    @property
    def base_location(self) -> str:
        return str(Path(settings.DATA_DIR) / "uploads")

    @property
    def location(self) -> str:
        return str(Path(self.base_location).resolve())


def attachment_storage() -> UploadStorage:
    return UploadStorage()


class ArticleKind(models.TextChoices):
    ARTICLE = "article", _("Artikkel")
    REPORT = "report", _("Rapport")
    GUIDANCE = "guidance", _("Veiledning")
    STRATEGY = "strategy", _("Strategi")


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("Utkast")
    PUBLISHED = "published", _("Publisert")


class Tag(models.Model):
    name = models.CharField(_("navn"), max_length=60, unique=True)
    slug = models.SlugField(_("kortnavn"), max_length=60, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("emneord")
        verbose_name_plural = _("emneord")

    def __str__(self) -> str:
        return self.name


class Article(models.Model):
    title = models.CharField(_("tittel"), max_length=200)
    kind = models.CharField(
        _("type"), max_length=20, choices=ArticleKind.choices, default=ArticleKind.ARTICLE
    )
    summary = models.TextField(_("sammendrag"), max_length=1000)
    body = models.TextField(_("innhold"), help_text=_("Renset HTML."))
    status = models.CharField(
        _("status"), max_length=20, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="articles", verbose_name=_("emneord"))
    authors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="insights_articles", verbose_name=_("forfattere")
    )
    published_at = models.DateTimeField(_("publisert"), null=True, blank=True)
    created_at = models.DateTimeField(_("opprettet"))
    updated_at = models.DateTimeField(_("endret"))

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("kunnskapsartikkel")
        verbose_name_plural = _("kunnskapsartikler")

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == ArticleStatus.PUBLISHED


class Attachment(models.Model):
    """A stored file belonging to one article or one meeting (its slides). Downloaded through a view that checks
    that the user may see the owner."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    meeting = models.ForeignKey(
        "insights.Meeting", on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    file = models.FileField(_("fil"), upload_to="insights/%Y/", storage=attachment_storage)
    filename = models.CharField(_("filnavn"), max_length=255)
    content_type = models.CharField(_("innholdstype"), max_length=120)
    size = models.PositiveIntegerField(_("størrelse (byte)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("lastet opp"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["filename", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(article__isnull=False, meeting__isnull=True))
                | (models.Q(article__isnull=True, meeting__isnull=False)),
                name="insights_attachment_one_owner",
            )
        ]
        verbose_name = _("vedlegg")
        verbose_name_plural = _("vedlegg")

    def __str__(self) -> str:
        return self.filename
