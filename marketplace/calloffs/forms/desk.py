"""Desk evaluation forms: the basket (repeated rows) and the quality requirements. Shape and field checks only;
`services.desk` checks the rules again."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.forms import BaseFormSet, formset_factory
from django.utils.translation import gettext_lazy as _

from marketplace.calloffs.models import DeskRequirement
from marketplace.catalogue.models import PriceUnit
from marketplace.core.forms import AccessibleFormMixin

BASKET_PREFIX = "linje"
MAX_LINES = 50
MANDATORY = "mandatory"
OPTIONAL = "optional"


class _Styled(AccessibleFormMixin):
    """Selects get `ds-select`, other inputs `ds-input`; radios and checkboxes keep their own markup."""

    def _style(self) -> None:
        for field in self.fields.values():  # type: ignore[attr-defined]
            if isinstance(field.widget, forms.RadioSelect | forms.CheckboxInput):
                continue
            css = "ds-select" if isinstance(field.widget, forms.Select) else "ds-input"
            field.widget.attrs["class"] = css


class BasketLineForm(_Styled, forms.Form):
    unit = forms.ChoiceField(
        label=_("Enhet"),
        choices=[("", _("Velg enhet")), *PriceUnit.choices],
        error_messages={
            "required": _("Velg enhet."),
            "invalid_choice": _("Velg en enhet fra prislistenes enheter."),
        },
    )
    quantity = forms.CharField(
        label=_("Mengde"),
        max_length=40,
        error_messages={"required": _("Skriv mengden.")},
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    description = forms.CharField(
        label=_("Beskrivelse"),
        max_length=300,
        required=False,
        error_messages={"max_length": _("Beskrivelsen kan ha høyst 300 tegn.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()

    def clean_quantity(self) -> Decimal:
        text = (
            str(self.cleaned_data["quantity"])
            .strip()
            .replace("\u00a0", "")
            .replace(" ", "")
            .replace(",", ".")
        )
        try:
            value = Decimal(text)
        except InvalidOperation as exc:
            raise forms.ValidationError(
                _("Skriv mengden som et tall, for eksempel 350400 eller 20,5.")
            ) from exc
        if not value.is_finite():
            raise forms.ValidationError(_("Skriv mengden som et tall, for eksempel 350400 eller 20,5."))
        if value <= 0:
            raise forms.ValidationError(_("Mengden må være større enn null."))
        return value


class BaseBasketFormSet(BaseFormSet):
    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        if not basket_rows(self):
            raise forms.ValidationError(_("Legg inn minst én linje i handlekurven."))


def basket_formset_class(extra: int) -> type[BaseFormSet]:
    return formset_factory(
        BasketLineForm,
        formset=BaseBasketFormSet,
        extra=extra,
        can_delete=True,
        max_num=MAX_LINES,
        validate_max=True,
        absolute_max=MAX_LINES + 10,
    )


def basket_formset(data: Any = None, *, initial: list[dict[str, Any]] | None = None) -> BaseFormSet:
    """The basket editor: the saved lines, then one empty row (three when the basket is empty)."""
    extra = 1 if initial else 3
    return basket_formset_class(extra)(data, initial=initial or None, prefix=BASKET_PREFIX)


def basket_formset_with_row_added(data: Any) -> BaseFormSet:
    """The posted rows plus one more empty row ("Legg til rad" without JavaScript)."""
    copy = data.copy()
    key = f"{BASKET_PREFIX}-TOTAL_FORMS"
    try:
        total = int(copy.get(key, 0))
    except ValueError:
        total = 0
    copy[key] = str(min(max(total, 0) + 1, MAX_LINES))
    return basket_formset_class(0)(copy, prefix=BASKET_PREFIX)


def basket_rows(formset: BaseFormSet) -> list[dict[str, Any]]:
    """Cleaned rows of a valid formset, leaving out untouched empty rows and rows marked for removal."""
    rows = []
    for form in formset.forms:
        cleaned = getattr(form, "cleaned_data", {})
        if not form.has_changed() or cleaned.get("DELETE") or not cleaned:
            continue
        rows.append(
            {
                "unit": cleaned["unit"],
                "quantity": cleaned["quantity"],
                "description": cleaned.get("description", ""),
            }
        )
    return rows


def basket_error_items(formset: BaseFormSet) -> list[tuple[str, str]]:
    """(anchor, message) for the error summary, naming the row and the field."""
    items = [("kurv", str(message)) for message in formset.non_form_errors()]
    for index, form in enumerate(formset.forms, start=1):
        for name, errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            anchor = form[name].auto_id if name in form.fields else "kurv"
            items.extend((anchor, f"{_('Linje')} {index}, {label}: {message}") for message in errors)
    return items


REQUIREMENT_CHOICES = [
    ("", _("Ikke et krav")),
    (MANDATORY, _("Absolutt krav – leverandører som ikke oppfyller det, utelukkes")),
    (OPTIONAL, _("Til orientering – vises i beregningen, påvirker ikke rangeringen")),
]


class DeskRequirementsForm(_Styled, forms.Form):
    """One radio group per requirement the catalogue facts can answer."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code, label in DeskRequirement.choices:
            self.fields[f"krav_{code}"] = forms.ChoiceField(
                label=label,
                choices=REQUIREMENT_CHOICES,
                required=False,
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": _("Velg et av alternativene.")},
            )

    def requirement_fields(self) -> list[forms.BoundField]:
        return [self[f"krav_{code}"] for code in DeskRequirement.values]

    def chosen(self, kind: str) -> list[str]:
        return [code for code in DeskRequirement.values if self.cleaned_data.get(f"krav_{code}") == kind]

    @staticmethod
    def initial_for(rows: Any) -> dict[str, str]:
        return {f"krav_{row.requirement}": MANDATORY if row.is_mandatory else OPTIONAL for row in rows}


class EvaluationChoiceForm(forms.Form):
    evaluering = forms.IntegerField(min_value=1, required=False)
