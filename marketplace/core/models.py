from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("opprettet"), auto_now_add=True)
    updated_at = models.DateTimeField(_("endret"), auto_now=True)

    class Meta:
        abstract = True


class AuditEvent(models.Model):
    """One link in the tamper-evident audit chain. Append-only: a database trigger refuses UPDATE and DELETE.

    Actor and organisation are stored by id and label, not as foreign keys, so the chain outlives the rows it names.
    """

    occurred_at = models.DateTimeField(_("tidspunkt"), db_index=True)
    actor_id = models.BigIntegerField(_("aktør-id"), null=True, blank=True)
    actor_label = models.CharField(_("aktør"), max_length=200, blank=True)
    organisation_id = models.BigIntegerField(_("virksomhets-id"), null=True, blank=True, db_index=True)
    organisation_label = models.CharField(_("virksomhet"), max_length=300, blank=True)
    verb = models.CharField(_("handling"), max_length=100, db_index=True)
    target_type = models.CharField(_("objekttype"), max_length=100, blank=True)
    target_id = models.CharField(_("objekt-id"), max_length=100, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    previous_hash = models.CharField(_("forrige hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("revisjonshendelse")
        verbose_name_plural = _("revisjonshendelser")
        indexes = [models.Index(fields=["target_type", "target_id"], name="core_audit_target_idx")]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.verb} {self.target_type}:{self.target_id}"


class SearchEntry(models.Model):
    """One searchable object in the full-text index (see `marketplace.core.search`).

    `kind` names what the row indexes (e.g. "service"), `object_id` its primary key. `title` weighs most, `body`
    holds the rest of the text, `extra` the compound-word parts added at index time. The backend-specific parts are
    created by migration 0004: on PostgreSQL a stored `document` tsvector (norwegian + english + simple) with a GIN
    index; on SQLite an external-content FTS5 table `core_searchentry_fts` kept in sync by triggers.
    """

    kind = models.CharField(_("type"), max_length=40)
    object_id = models.BigIntegerField(_("objekt-id"))
    title = models.TextField(_("tittel"))
    body = models.TextField(_("tekst"), blank=True)
    extra = models.TextField(_("orddeler"), blank=True)
    updated_at = models.DateTimeField(_("oppdatert"), auto_now=True)

    class Meta:
        verbose_name = _("søkeoppføring")
        verbose_name_plural = _("søkeoppføringer")
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="core_searchentry_unique_object"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id}"


class SearchIndexState(models.Model):
    """The version of one kind's search index: a new random token on every write, in the writer's transaction.

    Readers compare it with the token their cached results or in-memory indexes were built at, so every process
    sees a change as soon as it is committed (no shared cache needed), and a rolled-back write changes nothing.
    """

    kind = models.CharField(_("type"), max_length=40, primary_key=True)
    token = models.CharField(_("versjon"), max_length=32)

    class Meta:
        verbose_name = _("søkeindeksversjon")
        verbose_name_plural = _("søkeindeksversjoner")

    def __str__(self) -> str:
        return f"{self.kind}:{self.token}"
