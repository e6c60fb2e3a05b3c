"""PDF documents of a call-off with WeasyPrint: the record (avropsprotokoll), the award notice, the evaluation report.

Templates live under `calloffs/pdf/` with inline CSS. Rendering never touches the network: the URL fetcher accepts
only `data:` URIs and refuses everything else (http, https, file). Callers check permissions before calling here.
Nothing sealed is shown: offers appear with their receipt hash only; prices only once `offers_opened_at` is set.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone, translation
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from marketplace.calloffs.models import AwardNotice, CallOff, Evaluation, Offer, OfferReceipt, Question
from marketplace.calloffs.selectors import award as award_selectors
from marketplace.calloffs.selectors import calloff_state_of
from marketplace.calloffs.selectors import evaluation as evaluation_selectors
from marketplace.calloffs.services.award import oslo_text


class LocalOnlyFetcher(URLFetcher):
    """Refuse every URL except inline `data:` URIs, so a document can never make the server fetch anything."""

    def fetch(self, url: str, headers: Any = None) -> Any:
        if not url.lower().startswith("data:"):
            raise ValueError(f"refused to fetch {url!r}: documents are rendered offline")
        return super().fetch(url, headers)


def html_to_pdf(html: str) -> bytes:
    pdf = HTML(
        string=html, base_url=None, url_fetcher=LocalOnlyFetcher(allowed_protocols={"data"})
    ).write_pdf()
    assert pdf is not None
    return bytes(pdf)


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _render(template: str, context: dict[str, Any]) -> str:
    with translation.override("nb"), timezone.override("Europe/Oslo"):
        return render_to_string(template, context)


# --- the call-off record (avropsprotokoll) ---------------------------------------------------------------------


def calloff_record_context(calloff: CallOff, *, now: dt.datetime | None = None) -> dict[str, Any]:
    now = now or timezone.now()
    opened = calloff.offers_opened_at is not None
    offers = list(
        Offer.objects.filter(calloff=calloff)
        .defer("sealed_content")
        .select_related("supplier", "rejected_by")
        .prefetch_related("scores__criterion", "scores__scored_by")
        .order_by("supplier__name", "id")
    )
    evaluations = list(calloff.evaluations.select_related("computed_by").order_by("computed_at", "id"))
    latest = evaluations[-1] if evaluations else None
    return {
        "calloff": calloff,
        "state": calloff_state_of(calloff, now=now),
        "generated_at": now,
        "opened": opened,
        "invitations": calloff.invitations.select_related("supplier", "contract").all(),
        "criteria": calloff.criteria.all(),
        "questions_count": Question.objects.filter(calloff=calloff).count(),
        "questions_answered": Question.objects.filter(calloff=calloff, answered_at__isnull=False).count(),
        "offers": offers,
        "receipts": OfferReceipt.objects.filter(calloff=calloff).select_related("supplier"),
        "rejections": [o for o in offers if o.rejected_at is not None],
        "declarations": evaluation_selectors.declaration_list(calloff),
        "evaluations": evaluations,
        "table": evaluation_selectors.evaluation_table(latest) if latest else None,
        "award": award_selectors.award_of(calloff),
        "notices": award_selectors.notice_list_for_calloff(calloff),
        "complaints": award_selectors.complaint_list(calloff),
        "cascade_steps": calloff.cascade_steps.select_related("contract__supplier", "recorded_by").all(),
        "audit_events": award_selectors.audit_trail_for(calloff),
        "standstill_ends_text": oslo_text(calloff.standstill_ends_at) if calloff.standstill_ends_at else "",
    }


def calloff_record_html(calloff: CallOff, *, now: dt.datetime | None = None) -> str:
    return _render("calloffs/pdf/record.html", calloff_record_context(calloff, now=now))


def calloff_record_pdf(calloff: CallOff, *, now: dt.datetime | None = None) -> bytes:
    return html_to_pdf(calloff_record_html(calloff, now=now))


# --- award notice --------------------------------------------------------------------------------------------------


def award_notice_html(notice: AwardNotice) -> str:
    return _render(
        "calloffs/pdf/notice.html",
        {
            "notice": notice,
            "content": notice.content,
            "score_rows": award_selectors.notice_score_rows(notice.content),
            "calloff": notice.award.calloff,
            "generated_at": timezone.now(),
        },
    )


def award_notice_pdf(notice: AwardNotice) -> bytes:
    return html_to_pdf(award_notice_html(notice))


# --- evaluation report ---------------------------------------------------------------------------------------------


def evaluation_report_html(evaluation: Evaluation) -> str:
    calloff = evaluation.calloff
    return _render(
        "calloffs/pdf/evaluation.html",
        {
            "calloff": calloff,
            "evaluation": evaluation,
            "table": evaluation_selectors.evaluation_table(evaluation),
            "offers": evaluation_selectors.offer_list_for_evaluation(calloff),
            "declarations": evaluation_selectors.declaration_list(calloff),
            "generated_at": timezone.now(),
        },
    )


def evaluation_report_pdf(evaluation: Evaluation) -> bytes:
    return html_to_pdf(evaluation_report_html(evaluation))
