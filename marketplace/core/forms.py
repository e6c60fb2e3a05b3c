"""The one accessible form base: Designsystemet classes on widgets, aria-invalid/aria-describedby on fields with
errors, an error summary and a way to put a service's ValidationFailed errors on the right fields."""

from __future__ import annotations

from typing import Any

from django import forms


class AccessibleFormMixin:
    """Mix into a Form/ModelForm. Call `_style_widgets()` from `__init__` (or use `AccessibleForm`)."""

    def _style_widgets(self) -> None:
        for field in self.fields.values():  # type: ignore[attr-defined]
            css = "ds-input"
            existing = field.widget.attrs.get("class", "")
            field.widget.attrs["class"] = f"{existing} {css}".strip()

    def add_error(self, field: str | None, error: Any) -> None:
        """Django's own field validation also comes through here, so every invalid field gets marked."""
        super().add_error(field, error)  # type: ignore[misc]
        for name in self.errors:  # type: ignore[attr-defined]
            if name in self.fields:  # type: ignore[attr-defined]
                bound = self[name]  # type: ignore[index]
                described = [f"{bound.auto_id}-error"]
                if bound.help_text:
                    described.append(f"{bound.auto_id}_helptext")
                self.fields[name].widget.attrs["aria-invalid"] = "true"  # type: ignore[attr-defined]
                self.fields[name].widget.attrs["aria-describedby"] = " ".join(described)  # type: ignore[attr-defined]

    def error_items(self) -> list[tuple[str, str]]:
        """(anchor, message) for the error summary."""
        items: list[tuple[str, str]] = []
        for name, errors in self.errors.items():  # type: ignore[attr-defined]
            anchor = self[name].auto_id if name in self.fields else ""  # type: ignore[attr-defined,index]
            items.extend((anchor, str(message)) for message in errors)
        return items

    def service_errors(
        self, errors: list[dict[str, str]], message: str, *, fields: dict[str, str] | None = None
    ) -> None:
        """Put a service's ValidationFailed errors on the matching fields (or on the form)."""
        mapping = fields or {}
        placed = False
        for error in errors:
            name = mapping.get(error.get("field", ""), error.get("field", ""))
            if name in self.fields:  # type: ignore[attr-defined]
                self.add_error(name, error.get("message", message))
                placed = True
        if not placed:
            self.add_error(None, message)


class AccessibleForm(AccessibleFormMixin, forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style_widgets()
