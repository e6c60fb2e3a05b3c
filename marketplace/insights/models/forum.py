"""Skyforum (knowledge area): questions and answers by users acting for public bodies, moderated by MPS staff.

`body` is what the user wrote (plain text with a little markdown); `body_html` is what the page shows, rendered by
`forum_text.render` and cleaned by nh3 when it was written (and again by `sanitised_html` at output)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from marketplace.accounts.models import Organisation

__all__ = ["ForumAnswer", "ForumQuestion"]


class ForumPost(models.Model):
    body = models.TextField(_("tekst"))
    body_html = models.TextField(_("tekst (HTML)"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("skrevet"))
    is_hidden = models.BooleanField(_("skjult"), default=False)
    hidden_reason = models.CharField(_("begrunnelse for skjuling"), max_length=500, blank=True)

    class Meta:
        abstract = True


class ForumQuestion(ForumPost):
    title = models.CharField(_("tittel"), max_length=200)
    is_locked = models.BooleanField(_("låst"), default=False)
    last_activity_at = models.DateTimeField(_("siste aktivitet"))
    edited_at = models.DateTimeField(_("endret"), null=True, blank=True)

    class Meta:
        ordering = ["-last_activity_at", "-pk"]
        verbose_name = _("spørsmål i Skyforum")
        verbose_name_plural = _("spørsmål i Skyforum")

    def __str__(self) -> str:
        return self.title


class ForumAnswer(ForumPost):
    question = models.ForeignKey(ForumQuestion, on_delete=models.CASCADE, related_name="answers")
    is_accepted = models.BooleanField(_("godtatt svar"), default=False)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["question"], condition=models.Q(is_accepted=True), name="insights_forum_one_accepted"
            )
        ]
        verbose_name = _("svar i Skyforum")
        verbose_name_plural = _("svar i Skyforum")

    def __str__(self) -> str:
        return f"{self.question_id}/{self.pk}"
