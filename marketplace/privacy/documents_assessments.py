"""The assessment report as PDF (WeasyPrint, rendered offline like calloffs/documents.py). Callers check access."""

from __future__ import annotations

from django.utils import timezone

from marketplace.calloffs.documents import _render, html_to_pdf
from marketplace.privacy.models import Assessment
from marketplace.privacy.selectors.assessments import assessment_document


def assessment_pdf(assessment: Assessment) -> bytes:
    document = assessment_document(assessment)
    html = _render(
        "privacy/assessments/pdf/report.html",
        {"assessment": assessment, "doc": document, "printed_at": timezone.now()},
    )
    return html_to_pdf(html)
