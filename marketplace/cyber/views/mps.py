"""For MPS staff: every organisation's latest Cyber Risk Score, grade and category percentages (+ CSV)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from marketplace.accounts.permissions import is_mps_staff
from marketplace.core.charts import ChartTable, Column, csv_response, csv_url
from marketplace.cyber import selectors


@login_required
@require_GET
def mps(request: HttpRequest) -> HttpResponse:
    if not is_mps_staff(request.user):
        raise PermissionDenied(_("Siden er for MPS (kategoriansvarlige og MPS-administratorer)."))
    rows = [
        {
            "organisation": scan.organisation.name,
            "orgnr": scan.organisation.orgnr,
            "kind": scan.organisation.get_kind_display(),
            "score": scan.score,
            "grade": scan.grade,
            "finished_on": scan.finished_at.date() if scan.finished_at else None,
            "url": reverse("cyber:organisation_overview", args=[scan.organisation_id]),
            "scan_url": reverse("cyber:scan_detail", args=[scan.pk]),
        }
        for scan in selectors.latest_scans()
    ]
    table = ChartTable(
        name="organisations",
        title=_("Siste poengsum per virksomhet"),
        description=_("Siste ferdige skanning for hver virksomhet som har en."),
        columns=[
            Column("organisation", _("Virksomhet")),
            Column("orgnr", _("Organisasjonsnummer")),
            Column("kind", _("Type")),
            Column("score", _("Poengsum")),
            Column("grade", _("Karakter")),
            Column("finished_on", _("Skannet")),
        ],
        rows=rows,
        csv_url=csv_url(request, "organisations"),
        empty_message=_("Ingen virksomheter er skannet ennå."),
    )
    if request.GET.get("format") == "csv":
        if request.GET.get("table") != "organisations":
            raise Http404(_("Ukjent tabell."))
        return csv_response(table, "cyberx-virksomheter.csv")
    return render(request, "cyber/mps.html", {"table": table, "rows": rows})
