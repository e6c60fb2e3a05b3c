"""The annual survey «Status for offentlig sky i Norge» (knowledge area).

MPS staff define a year's questions; each question has a `key` so a question asked again next year is compared with
last year's. Each public body answers once per year (its org admin); submitting again before the close date
replaces the answers, after it the survey refuses. Results are aggregated by `survey_rules.aggregate`."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from marketplace.accounts.models import Organisation

__all__ = ["QuestionKind", "Survey", "SurveyAnswer", "SurveyQuestion", "SurveyResponse"]


class Survey(models.Model):
    year = models.PositiveIntegerField(_("år"), unique=True)
    title = models.CharField(_("tittel"), max_length=200)
    introduction = models.TextField(_("innledning"), blank=True)
    opens_on = models.DateField(_("åpner"))
    closes_on = models.DateField(_("stenger"))
    is_published = models.BooleanField(_("publisert"), default=False)

    class Meta:
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(condition=models.Q(closes_on__gte=models.F("opens_on")), name="insights_survey_closes_after_open"),
        ]  # fmt: skip
        verbose_name = _("spørreundersøkelse")
        verbose_name_plural = _("spørreundersøkelser")

    def __str__(self) -> str:
        return f"{self.title} {self.year}"


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Ett valg")
    MULTIPLE = "multiple", _("Flere valg")
    SCALE = "scale", _("Skala 1–5")
    NUMBER = "number", _("Tall")
    TEXT = "text", _("Fritekst")


class SurveyQuestion(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    key = models.SlugField(
        _("nøkkel"), max_length=60, help_text=_("Samme nøkkel år etter år gir sammenligning.")
    )
    position = models.PositiveIntegerField(_("rekkefølge"))
    kind = models.CharField(_("type"), max_length=20, choices=QuestionKind.choices)
    text = models.CharField(_("spørsmål"), max_length=500)
    choices = models.JSONField(_("svaralternativer"), default=list, blank=True)
    is_required = models.BooleanField(_("påkrevd"), default=True)

    class Meta:
        ordering = ["survey", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "key"], name="insights_survey_question_unique_key"),
        ]
        verbose_name = _("spørsmål")
        verbose_name_plural = _("spørsmål")

    def __str__(self) -> str:
        return self.text


class SurveyResponse(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("sendt inn"))
    updated_at = models.DateTimeField(_("sist endret"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "organisation"], name="insights_survey_one_response_per_org"
            ),
        ]
        verbose_name = _("svar på undersøkelse")
        verbose_name_plural = _("svar på undersøkelse")

    def __str__(self) -> str:
        return f"{self.survey.year} {self.organisation}"


class SurveyAnswer(models.Model):
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(SurveyQuestion, on_delete=models.CASCADE, related_name="answers")
    value = models.JSONField(_("svar"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="insights_survey_one_answer"),
        ]
        verbose_name = _("svar")
        verbose_name_plural = _("svar")

    def __str__(self) -> str:
        return f"{self.response_id}/{self.question_id}"
