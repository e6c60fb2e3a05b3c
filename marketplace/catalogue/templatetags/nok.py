"""`{{ amount|nok }}`: Norwegian money format, e.g. 500 000 000 kr or 1 234,50 kr (non-breaking spaces)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template

register = template.Library()

NBSP = "\u00a0"


def format_nok(amount: Decimal | int | str | None) -> str:
    if amount is None or amount == "":
        return ""
    try:
        value = Decimal(str(amount)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return ""
    sign = "−" if value < 0 else ""
    kroner, _, ore = f"{abs(value):.2f}".partition(".")
    groups: list[str] = []
    while kroner:
        groups.insert(0, kroner[-3:])
        kroner = kroner[:-3]
    text = NBSP.join(groups)
    if ore != "00":
        text += f",{ore}"
    return f"{sign}{text}{NBSP}kr"


@register.filter(name="nok")
def nok(amount: Decimal | int | str | None) -> str:
    return format_nok(amount)
