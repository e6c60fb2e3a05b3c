"""Direct award panel actions: record the next supplier's answer, record the justification."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marketplace.calloffs import permissions
from marketplace.calloffs.forms.direct import CascadeAnswerForm, JustificationForm
from marketplace.calloffs.models import CallOff
from marketplace.calloffs.rules.state import CallOffState
from marketplace.calloffs.services import direct as services
from marketplace.calloffs.views.common import calloff_or_404
from marketplace.catalogue.models import Mechanism
from marketplace.core import exceptions


def direct_panel_context(request: HttpRequest, calloff: CallOff, state: CallOffState) -> dict[str, Any]:
    """The ranked cascade with each supplier's answer, for the direct panel (only on direct-award call-offs)."""
    if calloff.mechanism != Mechanism.DIRECT:
        return {"direct": None}
    steps = {step.contract_id: step for step in services.cascade_steps(calloff)}
    contracts = services.cascade_contracts(calloff)
    listed = {c.pk for c in contracts}
    # Answers from contracts that have since expired stay on the record.
    extra = [step.contract for cid, step in steps.items() if cid not in listed]
    next_contract = services.cascade_next(calloff)
    rows = [
        {
            "contract": c,
            "step": steps.get(c.pk),
            "is_next": next_contract is not None and c.pk == next_contract.pk,
        }
        for c in contracts + extra
    ]
    can_manage = permissions.can_manage_calloff(request.user, calloff) and state is CallOffState.DRAFT
    winner = services.direct_winner(calloff)
    return {
        "direct": {
            "rows": rows,
            "next": next_contract,
            "winner": winner,
            "can_record": can_manage and next_contract is not None,
            "can_justify": can_manage and winner is not None,
            "ready": services.direct_ready_for_award(calloff),
            "answer_form": CascadeAnswerForm(prefix="cascade"),
            "justification_form": JustificationForm(
                initial={"justification": calloff.justification}, prefix="direct"
            ),
            "can_see": permissions.can_view_calloff_record(request.user, calloff),
        }
    }


def _render_with(request: HttpRequest, calloff: CallOff, key: str, form: Any, status: int) -> HttpResponse:
    from marketplace.calloffs.views.common import detail_context

    context = detail_context(request, calloff)
    if context.get("direct"):
        context["direct"][key] = form
    context["error_items"] = form.error_items()
    return render(request, "calloffs/detail.html", context, status=status)


def _calloff(request: HttpRequest, pk: int) -> CallOff:
    calloff = calloff_or_404(request, pk)
    if not permissions.can_manage_calloff(request.user, calloff):
        raise PermissionDenied
    return calloff


@login_required
@require_POST
def cascade_answer(request: HttpRequest, pk: int) -> HttpResponse:
    from marketplace.calloffs.views.common import apply_errors

    calloff = _calloff(request, pk)
    form = CascadeAnswerForm(request.POST, prefix="cascade")
    if form.is_valid():
        contract = services.cascade_next(calloff)
        try:
            if contract is None:
                raise exceptions.Conflict(_("Det er ingen leverandør som venter på svar."))
            if str(contract.pk) != request.POST.get("contract", ""):
                raise exceptions.Conflict(
                    _("Rangeringen er endret siden siden ble lastet. Se over svarene og prøv igjen.")
                )
            services.cascade_record(
                actor=request.user,
                calloff=calloff,
                contract=contract,
                outcome=form.cleaned_data["outcome"],
                reason=form.cleaned_data["reason"],
            )
        except exceptions.PermissionDenied:
            raise PermissionDenied from None
        except exceptions.ApplicationError as exc:
            apply_errors(form, exc)
            return _render_with(
                request, calloff, "answer_form", form, 409 if isinstance(exc, exceptions.Conflict) else 400
            )
        messages.success(
            request, _("Svaret fra %(supplier)s er registrert.") % {"supplier": contract.supplier.name}
        )
        return redirect("calloffs:detail", pk=calloff.pk)
    return _render_with(request, calloff, "answer_form", form, 400)


@login_required
@require_POST
def direct_justify(request: HttpRequest, pk: int) -> HttpResponse:
    from marketplace.calloffs.views.common import apply_errors

    calloff = _calloff(request, pk)
    form = JustificationForm(request.POST, prefix="direct")
    if form.is_valid():
        try:
            services.direct_justify(
                actor=request.user, calloff=calloff, justification=form.cleaned_data["justification"]
            )
        except exceptions.PermissionDenied:
            raise PermissionDenied from None
        except exceptions.ApplicationError as exc:
            apply_errors(form, exc)
            return _render_with(
                request,
                calloff,
                "justification_form",
                form,
                409 if isinstance(exc, exceptions.Conflict) else 400,
            )
        messages.success(request, _("Begrunnelsen for direkte tildeling er registrert."))
        return redirect("calloffs:detail", pk=calloff.pk)
    return _render_with(request, calloff, "justification_form", form, 400)
