"""Reads for the evaluation page. Offers are read without `sealed_content`; prices only after opening."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from marketplace.accounts.models import Role
from marketplace.accounts.permissions import has_role, is_mps_staff
from marketplace.calloffs import permissions
from marketplace.calloffs.models import CallOff, Criterion, Evaluation, ImpartialityDeclaration, Offer
from marketplace.catalogue.models import CriterionKind


def declaration_of(calloff: CallOff, user: Any) -> ImpartialityDeclaration | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return ImpartialityDeclaration.objects.filter(calloff=calloff, user_id=user.pk).first()


def declaration_list(calloff: CallOff) -> QuerySet[ImpartialityDeclaration]:
    return (
        ImpartialityDeclaration.objects.filter(calloff=calloff).select_related("user").order_by("declared_at")
    )


def may_see_offers(user: Any, calloff: CallOff) -> bool:
    """After opening, the buyer side sees the offers; an evaluator only after declaring impartial (§ habilitet)."""
    if calloff.offers_opened_at is None:
        return False
    if is_mps_staff(user):
        return True
    if not permissions.is_buyer_side(user, calloff):
        return False
    if has_role(user, Role.EVALUATOR):
        declaration = declaration_of(calloff, user)
        return declaration is not None and declaration.is_impartial
    return True


def offer_list_for_evaluation(calloff: CallOff) -> QuerySet[Offer]:
    return (
        Offer.objects.filter(calloff=calloff)
        .defer("sealed_content")
        .select_related("supplier", "rejected_by")
        .prefetch_related("scores__criterion", "scores__scored_by")
        .order_by("supplier__name", "id")
    )


def quality_criteria(calloff: CallOff) -> list[Criterion]:
    return list(calloff.criteria.exclude(kind=CriterionKind.PRICE).order_by("position", "id"))


def evaluation_latest(calloff: CallOff) -> Evaluation | None:
    return calloff.evaluations.select_related("computed_by").order_by("-computed_at", "-id").first()


def evaluation_table(evaluation: Evaluation) -> dict[str, Any]:
    """Rows for showing a result: criteria in order (with weights), and per ranked offer the points per criterion."""
    criteria = [
        {
            "id": str(c["id"]),
            "name": c["name"],
            "kind": c.get("kind", ""),
            "weight_percent": Decimal(str(c["weight_percent"])),
        }
        for c in (evaluation.inputs.get("criteria") or [])
        if isinstance(c, dict) and {"id", "name", "weight_percent"} <= c.keys()
    ]
    rows = []
    for row in evaluation.result.get("ranking", []):
        points = row.get("criteria") or {}
        rows.append(
            {
                "rank": row.get("rank"),
                "supplier_name": row.get("supplier_name", ""),
                "price_amount": Decimal(str(row["price_amount"]))
                if row.get("price_amount") is not None
                else None,
                "price_points": Decimal(str(row["price_points"]))
                if row.get("price_points") is not None
                else None,
                "cells": [
                    Decimal(str(points[c["id"]])) if points.get(c["id"]) is not None else None
                    for c in criteria
                ],
                "total_points": Decimal(str(row.get("total_points", "0"))),
            }
        )
    return {
        "criteria": criteria,
        "rows": rows,
        "excluded": evaluation.result.get("excluded", []),
        "rank_reversal": evaluation.result.get("rank_reversal", {}),
        "model": evaluation.inputs.get("model", {}),
    }
