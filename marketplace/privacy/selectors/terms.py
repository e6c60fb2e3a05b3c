"""Reads of term checks and the balance view. Contracts' checks are for MPS staff; checks of services in use for the
organisation's privacy roles (the views call the permission predicates; the `_get_` selectors answer 404)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from marketplace.catalogue.models import Contract, FrameworkAgreement
from marketplace.privacy import baseline, terms_rules
from marketplace.privacy.models import ServiceInUse, TermCheck, TermCheckItem
from marketplace.privacy.permissions import can_view_terms_balance


def frameworks_list() -> QuerySet[FrameworkAgreement]:
    return FrameworkAgreement.objects.order_by("reference")


def framework_get_for_balance(user: Any, pk: int) -> FrameworkAgreement:
    framework = FrameworkAgreement.objects.filter(pk=pk).first()
    if framework is None or not can_view_terms_balance(user):
        raise Http404
    return framework


def contracts_of(framework: FrameworkAgreement) -> QuerySet[Contract]:
    return (
        Contract.objects.filter(framework=framework)
        .select_related("supplier", "lot")
        .order_by("lot__number", "rank", "supplier__name", "pk")
    )


def contract_get_for_terms(user: Any, pk: int) -> Contract:
    contract = Contract.objects.select_related("framework", "lot", "supplier").filter(pk=pk).first()
    if contract is None or not can_view_terms_balance(user):
        raise Http404
    return contract


def _with_items() -> QuerySet[TermCheck]:
    return TermCheck.objects.select_related("checked_by").prefetch_related(
        Prefetch("items", queryset=TermCheckItem.objects.order_by("id"))
    )


def term_check_of_contract(contract: Contract) -> TermCheck | None:
    return _with_items().filter(contract=contract).first()


def term_check_of_service(service_in_use: ServiceInUse) -> TermCheck | None:
    return _with_items().filter(service_in_use=service_in_use).first()


def term_answers(check: TermCheck | None) -> dict[str, tuple[str, str]]:
    """topic → (status, text) of a stored check (empty when there is none)."""
    if check is None:
        return {}
    return {item.topic: (item.status, item.deviation_text) for item in check.items.all()}


def term_rows(check: TermCheck | None) -> list[dict[str, Any]]:
    """One row per baseline topic with the stored status and text ("" when not checked)."""
    answers = term_answers(check)
    rows = []
    for entry in baseline.topics():
        status, text = answers.get(entry["key"], ("", ""))
        rows.append({**entry, "status": status, "deviation_text": text})
    return rows


def balance_for_framework(framework: FrameworkAgreement) -> tuple[list[Contract], terms_rules.BalanceMatrix]:
    """The framework's contracts and the topics × contracts matrix (two queries)."""
    contracts = list(contracts_of(framework))
    checks = {
        check.contract_id: {item.topic: item.status for item in check.items.all()}
        for check in TermCheck.objects.filter(contract__in=contracts).prefetch_related("items")
    }
    columns = [(f"{c.supplier.name} ({c.reference})", checks.get(c.pk)) for c in contracts]
    return contracts, terms_rules.balance_matrix(columns)
