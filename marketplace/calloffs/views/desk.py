"""Desk evaluation pages: basket editor, requirements, run the evaluation, the full calculation and its CSV."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from marketplace.calloffs import permissions
from marketplace.calloffs.forms.desk import (
    DeskRequirementsForm,
    EvaluationChoiceForm,
    basket_error_items,
    basket_formset,
    basket_formset_with_row_added,
    basket_rows,
)
from marketplace.calloffs.models import CallOff, DeskRequirement, Evaluation, PriceFormula, TieBreak
from marketplace.calloffs.rules.reproducible import inputs_canonical
from marketplace.calloffs.selectors import calloff_state_of
from marketplace.calloffs.selectors import desk as desk_selectors
from marketplace.calloffs.services import desk as desk_services
from marketplace.calloffs.views.common import calloff_or_404
from marketplace.catalogue.models import PriceUnit
from marketplace.core import exceptions


def _deny_unless(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def quantity_text(value: Any) -> str:
    """A quantity in the page's number format without trailing zeros: 350400.0000 → 350 400, 20.5000 → 20,5."""
    number = Decimal(str(value)).normalize()
    if number == number.to_integral():
        number = number.quantize(Decimal(1))
    return formats.number_format(number, use_l10n=True, force_grouping=True)


def points_text(value: str) -> str:
    """Points as stored (two decimals) in the page's number format: 9.82 → 9,82, −5.00 → −5,00."""
    return formats.number_format(Decimal(value), decimal_pos=2, use_l10n=True)


def _unit_label(unit: str) -> str:
    try:
        return str(PriceUnit(unit).label)
    except ValueError:
        return unit


def _requirement_label(code: str) -> str:
    try:
        return str(DeskRequirement(code).label)
    except ValueError:
        return code


def desk_reason_text(reason: dict[str, Any]) -> str:
    """A Norwegian sentence for one exclusion reason of `Evaluation.result["excluded"][i]["reasons"]`."""
    code, detail = reason.get("code"), reason.get("detail") or ""
    if code == "no_price_list":
        return _("Har ingen prisliste som gjelder på evalueringsdatoen.")
    if code == "missing_unit":
        return _("Prislisten mangler enheten «%(unit)s» – kan ikke levere handlekurven.") % {
            "unit": _unit_label(detail)
        }
    if code == "requirement_not_met":
        return _("Oppfyller ikke kravet «%(requirement)s».") % {"requirement": _requirement_label(detail)}
    return str(code)


def _formula_text(model: dict[str, Any]) -> str:
    formula = model.get("formula")
    if formula == PriceFormula.LINEAR:
        slope = Decimal(model.get("slope") or "1")
        text = _("Lineær: poeng = 10 − %(k)s × 10 × (P − Pb) / Pb") % {"k": f"{slope.normalize():f}"}
    elif formula == PriceFormula.PROPORTIONAL:
        text = _("Forholdsmessig: poeng = 10 × Pb / P")
    else:
        text = _("Faste ankerpriser: poeng = 10 × (%(p0)s − P) / (%(p0)s − %(p10)s)") % {
            "p0": model.get("anchor_zero_amount"),
            "p10": model.get("anchor_best_amount"),
        }
    if model.get("floor_at_zero"):
        text += " " + _("(poengene kan ikke bli negative)")
    return text


def _calculation_context(evaluation: Evaluation) -> dict[str, Any]:
    inputs, result = evaluation.inputs, evaluation.result
    ranking = [
        {
            **row,
            "price_points_text": points_text(row["price_points"]),
            "total_points_text": points_text(row["total_points"]),
            "lines": [
                {
                    **line,
                    "unit_label": _unit_label(line["unit"]),
                    "quantity_text": quantity_text(line["quantity"]),
                    "unit_price_text": formats.number_format(
                        Decimal(line["unit_price_amount"]), decimal_pos=4, use_l10n=True, force_grouping=True
                    ),
                }
                for line in row["lines"]
            ],
            "requirements": [
                {**r, "label": _requirement_label(r["code"])} for r in row.get("requirements", [])
            ],
        }
        for row in result.get("ranking", [])
    ]
    excluded = [
        {**row, "reason_texts": [desk_reason_text(reason) for reason in row.get("reasons", [])]}
        for row in result.get("excluded", [])
    ]
    price_lists = {
        s["supplier_id"]: s["price_list"]
        for s in inputs.get("suppliers", [])
        if s.get("price_list") is not None
    }
    return {
        "evaluation": evaluation,
        "ranking": ranking,
        "excluded": excluded,
        "frozen_basket": [
            {**b, "unit_label": _unit_label(b["unit"]), "quantity_text": quantity_text(b["quantity"])}
            for b in inputs.get("basket", [])
        ],
        "frozen_requirements": [
            {**r, "label": _requirement_label(r["code"])} for r in inputs.get("requirements", [])
        ],
        "formula_text": _formula_text(inputs.get("model", {})),
        "tie_break_label": TieBreak(inputs["model"]["tie_break"]).label,
        "price_lists": price_lists,
        "evaluation_date": inputs.get("evaluation_date"),
    }


def _evaluation_for(request: HttpRequest, calloff: CallOff) -> Evaluation | None:
    form = EvaluationChoiceForm(request.GET)
    if form.is_valid() and form.cleaned_data.get("evaluering"):
        try:
            return desk_selectors.desk_evaluation_get(calloff, form.cleaned_data["evaluering"])
        except exceptions.NotFound as exc:
            raise Http404 from exc
    return desk_selectors.desk_evaluation_latest(calloff)


def _overview_context(request: HttpRequest, calloff: CallOff) -> dict[str, Any]:
    state = calloff_state_of(calloff)
    return {
        "calloff": calloff,
        "state": state,
        "basket_lines": [
            {"line": line, "quantity_text": quantity_text(line.quantity)}
            for line in desk_selectors.basket_lines_of(calloff)
        ],
        "requirements": desk_selectors.desk_requirements_of(calloff),
        "can_manage": permissions.can_manage_desk(request.user, calloff),
        "is_draft": state == "draft",
        "can_evaluate": state in desk_services.EVALUATE_STATES,
    }


@login_required
@require_GET
def desk_calculation(request: HttpRequest, pk: int) -> HttpResponse:
    """The desk overview: basket and requirements, the latest (or chosen) calculation in full, and the history."""
    calloff = calloff_or_404(request, pk)
    _deny_unless(permissions.can_view_desk_calculation(request.user, calloff))
    evaluation = _evaluation_for(request, calloff)
    context = _overview_context(request, calloff)
    context["history"] = list(desk_selectors.desk_evaluations_of(calloff))
    if evaluation is not None:
        context.update(_calculation_context(evaluation))
        context["is_latest"] = bool(context["history"]) and context["history"][0].pk == evaluation.pk
    return render(request, "calloffs/desk/calculation.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def desk_basket(request: HttpRequest, pk: int) -> HttpResponse:
    calloff = calloff_or_404(request, pk)
    _deny_unless(permissions.can_manage_desk(request.user, calloff))
    status = 200
    error_items: list[tuple[str, str]] = []
    if request.method == "POST":
        if "legg_til_rad" in request.POST:
            formset = basket_formset_with_row_added(request.POST)
        else:
            formset = basket_formset(request.POST)
            if formset.is_valid():
                try:
                    desk_services.basket_set(actor=request.user, calloff=calloff, lines=basket_rows(formset))
                except exceptions.PermissionDenied as exc:
                    raise PermissionDenied from exc
                except exceptions.ApplicationError as exc:
                    error_items = [("kurv", exc.message)] + [("kurv", e["message"]) for e in exc.errors]
                else:
                    messages.success(request, _("Handlekurven er lagret."))
                    return redirect("calloffs:desk_calculation", pk=calloff.pk)
            else:
                error_items = basket_error_items(formset)
            status = 400  # the posted rows come back with their errors; nothing was stored
    else:
        initial = [
            {"unit": line.unit, "quantity": f"{line.quantity.normalize():f}", "description": line.description}
            for line in desk_selectors.basket_lines_of(calloff)
        ]
        formset = basket_formset(initial=initial)
    context = {
        **_overview_context(request, calloff),
        "formset": formset,
        "error_items": error_items,
        "units": [(value, label) for value, label in PriceUnit.choices],
    }
    return render(request, "calloffs/desk/basket_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def desk_requirements(request: HttpRequest, pk: int) -> HttpResponse:
    calloff = calloff_or_404(request, pk)
    _deny_unless(permissions.can_manage_desk(request.user, calloff))
    status = 200
    error_items: list[tuple[str, str]] = []
    if request.method == "POST":
        form = DeskRequirementsForm(request.POST)
        if form.is_valid():
            try:
                desk_services.desk_requirements_set(
                    actor=request.user,
                    calloff=calloff,
                    requirements=form.chosen("mandatory"),
                    optional=form.chosen("optional"),
                )
            except exceptions.PermissionDenied as exc:
                raise PermissionDenied from exc
            except exceptions.ApplicationError as exc:
                error_items = [("krav", exc.message)]
            else:
                messages.success(request, _("Kravene er lagret."))
                return redirect("calloffs:desk_calculation", pk=calloff.pk)
        else:
            error_items = [
                (form[name].auto_id, f"{form.fields[name].label}: {message}")
                for name, errors in form.errors.items()
                for message in errors
            ]
        status = 400
    else:
        form = DeskRequirementsForm(
            initial=DeskRequirementsForm.initial_for(desk_selectors.desk_requirements_of(calloff))
        )
    context = {**_overview_context(request, calloff), "form": form, "error_items": error_items}
    return render(request, "calloffs/desk/requirements_form.html", context, status=status)


@login_required
@require_POST
def desk_evaluate(request: HttpRequest, pk: int) -> HttpResponse:
    calloff = calloff_or_404(request, pk)
    _deny_unless(permissions.can_manage_desk(request.user, calloff))
    try:
        evaluation = desk_services.desk_evaluate(actor=request.user, calloff=calloff)
    except exceptions.PermissionDenied as exc:
        raise PermissionDenied from exc
    except exceptions.ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("calloffs:desk_calculation", pk=calloff.pk)
    messages.success(
        request,
        _("Beregningen er gjort og lagret med grunnlag-hash %(hash)s.")
        % {"hash": evaluation.inputs_hash[:12]},
    )
    return redirect("calloffs:desk_calculation", pk=calloff.pk)


def _csv_safe(value: Any) -> str:
    """Numbers as they are; text that a spreadsheet would run as a formula gets a leading quote."""
    text = "" if value is None else str(value)
    try:
        Decimal(text)
    except ArithmeticError:
        return "'" + text if text.startswith(("=", "+", "-", "@", "\t", "\r")) else text
    return text


def calculation_csv_rows(evaluation: Evaluation) -> list[list[str]]:
    """The calculation as a table: one row per supplier and basket line, then the excluded suppliers."""
    inputs, result = evaluation.inputs, evaluation.result
    rows: list[list[str]] = [
        [_("Avrop"), inputs["calloff"]["reference"]],
        [_("Evalueringsdato"), inputs["evaluation_date"]],
        [_("Grunnlag-hash (SHA-256)"), evaluation.inputs_hash],
        [_("Prismodell"), _formula_text(inputs["model"])],
        [],
        [
            _("Rangering"),
            _("Leverandør"),
            _("Linje"),
            _("Enhet"),
            _("Mengde"),
            _("Varenummer"),
            _("Enhetspris (NOK)"),
            _("Beløp (NOK)"),
            _("Totalpris (NOK)"),
            _("Prispoeng"),
            _("Totalpoeng"),
        ],
    ]
    for row in result["ranking"]:
        for line in row["lines"]:
            rows.append(
                [
                    str(row["rank"]),
                    row["supplier_name"],
                    str(line["position"]),
                    _unit_label(line["unit"]),
                    line["quantity"],
                    line["sku"],
                    line["unit_price_amount"],
                    line["amount"],
                    row["price_amount"],
                    row["price_points"],
                    row["total_points"],
                ]
            )
    if result["excluded"]:
        rows.append([])
        rows.append([_("Utelukket"), _("Leverandør"), _("Begrunnelse")])
        for row in result["excluded"]:
            rows.append(
                ["", row["supplier_name"], " ".join(desk_reason_text(reason) for reason in row["reasons"])]
            )
    return rows


@login_required
@require_GET
def desk_calculation_csv(request: HttpRequest, pk: int) -> HttpResponse:
    calloff = calloff_or_404(request, pk)
    _deny_unless(permissions.can_view_desk_calculation(request.user, calloff))
    evaluation = _evaluation_for(request, calloff)
    if evaluation is None:
        raise Http404
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in calculation_csv_rows(evaluation):
        writer.writerow([_csv_safe(value) for value in row])
    response = HttpResponse(
        ("\ufeff" + buffer.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    filename = f"{calloff.reference}-beregning-{evaluation.pk}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Hash"] = evaluation.inputs_hash
    return response


@login_required
@require_GET
def desk_inputs_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The frozen inputs as canonical JSON: the SHA-256 of the downloaded file is the evaluation's inputs hash."""
    calloff = calloff_or_404(request, pk)
    _deny_unless(permissions.can_view_desk_calculation(request.user, calloff))
    evaluation = _evaluation_for(request, calloff)
    if evaluation is None:
        raise Http404
    response = HttpResponse(
        inputs_canonical(evaluation.inputs).encode("utf-8"), content_type="application/json; charset=utf-8"
    )
    filename = f"{calloff.reference}-grunnlag-{evaluation.pk}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Hash"] = evaluation.inputs_hash
    return response
