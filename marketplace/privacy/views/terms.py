"""Balanced terms: the MPS baseline and SSA guidance (public), term checks of framework contracts and the balance
view per framework (MPS staff), term checks of a service in use (the organisation's privacy roles).
Writes go through marketplace.privacy.services.terms."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from marketplace.core.exceptions import ApplicationError
from marketplace.privacy import baseline, terms_rules
from marketplace.privacy.forms.terms import SsaGuidanceForm, TermCheckForm
from marketplace.privacy.models import TermStatus
from marketplace.privacy.permissions import can_check_contract_terms, can_view_terms_balance
from marketplace.privacy.selectors import terms as selectors
from marketplace.privacy.selectors.usage import service_in_use_get_manageable
from marketplace.privacy.services.terms import term_check_save
from marketplace.privacy.views.terms_common import mps_or_403, organisation_or_403

STATUS_LABELS = dict(TermStatus.choices)


def ssa_reason_text(code: str) -> str:
    texts = {
        "partner_services": _(
            "Dere trenger tjenester for å etablere og forvalte en sammensatt skyløsning (rådgivning, etablering, "
            "integrasjoner, migrering og drift med tjenestenivå). Det er det SSA-sky (skypartneravtalen) dekker."
        ),
        "partner_may_supply_licences": _(
            "SSA-sky forutsetter normalt at lisensene kjøpes separat, for eksempel på en rammeavtale. Partneren kan "
            "levere dem hvis dere krever det."
        ),
        "customisation_with_partner": _(
            "Etablering og forvaltning kan gå parallelt gjennom hele avtaleperioden i SSA-sky, også med tilpasninger."
        ),
        "customised_solution": _(
            "Dere kjøper en skybasert løsning tilpasset virksomheten, med lisensene. Det er det SSA-L dekker "
            "(spesifikasjon, opplæring, etablering, nye versjoner og vedlikehold av tillegg)."
        ),
        "ssa_l_public_cloud_caution": _(
            "Kommentatorer peker på at 2018-versjonen av SSA-L passet best for privat sky: endringer i viktig "
            "funksjonalitet kunne utløse prisavslag, erstatning eller heving. Vurder avvik for standardtjenester i "
            "offentlig sky."
        ),
        "standard_cloud_services": _(
            "Dere kjøper skytjenester (lisenser) med enkle tillegg som konfigurasjon, datakonvertering og "
            "integrasjoner. Det er det SSA-lille sky dekker."
        ),
        "nothing_answered": _("Kryss av for det som beskriver anskaffelsen for å få en anbefaling."),
    }
    return texts[code]


SSA_NAMES = {
    terms_rules.SSA_SKY: "SSA-sky (skypartneravtalen)",
    terms_rules.SSA_LILLE_SKY: "SSA-lille sky",
    terms_rules.SSA_L: "SSA-L",
}


@require_GET
def terms_index(request: HttpRequest) -> HttpResponse:
    staff = can_view_terms_balance(request.user)
    return render(
        request,
        "privacy/terms/index.html",
        {
            "topics": baseline.topics(),
            "version": terms_rules.baseline()["version"],
            "frameworks": selectors.frameworks_list() if staff else [],
            "is_staff": staff,
        },
    )


@require_GET
def ssa_guidance(request: HttpRequest) -> HttpResponse:
    form = SsaGuidanceForm(request.GET or None)
    guidance = None
    if request.GET and form.is_valid():
        result = terms_rules.ssa_guidance(terms_rules.SsaAnswers(**form.cleaned_data))
        guidance = {
            "name": SSA_NAMES.get(result.agreement or "", ""),
            "reasons": [ssa_reason_text(code) for code in result.reasons],
            "source": result.source,
        }
    return render(
        request,
        "privacy/terms/ssa.html",
        {"form": form, "guidance": guidance},
    )


@login_required
@require_GET
def framework_balance(request: HttpRequest, pk: int) -> HttpResponse:
    mps_or_403(request)
    framework = selectors.framework_get_for_balance(request.user, pk)
    contracts, matrix = selectors.balance_for_framework(framework)
    titles = {entry["key"]: entry["title"] for entry in baseline.topics()}
    rows: list[dict[str, Any]] = [
        {
            "title": titles[row.topic],
            "cells": [
                {"status": status, "label": STATUS_LABELS.get(status, _("Ikke vurdert"))}
                for status in row.statuses
            ],
            "meets": row.meets,
            "deviates": row.deviates,
            "missing": row.missing,
            "unchecked": row.unchecked,
        }
        for row in matrix.rows
    ]
    return render(
        request,
        "privacy/terms/balance.html",
        {
            "framework": framework,
            "contracts": contracts,
            "rows": rows,
            "totals": matrix.totals,
            "unchecked_columns": matrix.unchecked_columns,
        },
    )


def _check_page(
    request: HttpRequest,
    *,
    template_context: dict[str, Any],
    stored: Any,
    save: Any,
    success_url: str,
) -> HttpResponse:
    if request.method == "POST":
        form = TermCheckForm(request.POST)
        if form.is_valid():
            try:
                save(form.answers(), form.cleaned_data["note"])
            except ApplicationError as error:
                form.place_service_errors(error.errors, error.message)
            else:
                messages.success(request, _("Vilkårsvurderingen er lagret."))
                return redirect(success_url)
        status = 400
    else:
        form = TermCheckForm(
            initial=TermCheckForm.initial_from(selectors.term_answers(stored), stored.note if stored else "")
        )
        status = 200
    return render(
        request,
        "privacy/terms/check_form.html",
        {**template_context, "form": form, "error_items": form.error_items(), "stored": stored},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def contract_terms(request: HttpRequest, pk: int) -> HttpResponse:
    mps_or_403(request)
    contract = selectors.contract_get_for_terms(request.user, pk)
    if request.method == "POST" and not can_check_contract_terms(request.user):
        raise PermissionDenied(
            _("Bare kategoriansvarlige og MPS-administratorer vurderer rammeavtalekontrakter.")
        )
    stored = selectors.term_check_of_contract(contract)
    return _check_page(
        request,
        template_context={
            "subject": f"{contract.supplier.name} – {contract.reference}",
            "framework": contract.framework,
            "rows": selectors.term_rows(stored),
            "action": request.path,
        },
        stored=stored,
        save=lambda answers, note: term_check_save(
            actor=request.user, contract=contract, answers=answers, note=note
        ),
        success_url=request.path,
    )


@login_required
@require_http_methods(["GET", "POST"])
def usage_terms(request: HttpRequest, pk: int) -> HttpResponse:
    organisation_or_403(request, manage=True)
    siu = service_in_use_get_manageable(request.user, pk)
    stored = selectors.term_check_of_service(siu)
    return _check_page(
        request,
        template_context={
            "subject": siu.display_name,
            "siu": siu,
            "rows": selectors.term_rows(stored),
            "action": request.path,
        },
        stored=stored,
        save=lambda answers, note: term_check_save(
            actor=request.user, service_in_use=siu, answers=answers, note=note
        ),
        success_url=request.path,
    )
