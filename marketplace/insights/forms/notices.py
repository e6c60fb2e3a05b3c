"""Forms of the notices area: the list filters and the MPS upload of eForms XML files."""

from __future__ import annotations

from typing import Any

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from marketplace.core.forms import AccessibleForm
from marketplace.insights.eforms.parser import MAX_BYTES
from marketplace.insights.models import BuyerKind, NoticeKind
from marketplace.insights.selectors.notices import NoticeFilters

MAX_UPLOAD_FILES = 200
MAX_UPLOAD_TOTAL_BYTES = 50 * 1024 * 1024


class NoticeFilterForm(AccessibleForm):
    q = forms.CharField(label=_("Søk i tittel, oppdragsgiver eller ID"), required=False, max_length=200)
    aar = forms.IntegerField(label=_("År"), required=False, min_value=2000, max_value=2100)
    type = forms.ChoiceField(label=_("Type"), required=False, choices=[("", _("Alle")), *NoticeKind.choices])
    oppdragsgiver = forms.ChoiceField(
        label=_("Oppdragsgivertype"), required=False, choices=[("", _("Alle")), *BuyerKind.choices]
    )
    cpv = forms.RegexField(
        label=_("CPV-kode (begynnelsen, f.eks. 72 eller 7222)"),
        required=False,
        regex=r"^\d{1,8}$",
        error_messages={"invalid": _("Skriv 1–8 sifre.")},
    )
    alle = forms.BooleanField(label=_("Vis også kunngjøringer som ikke gjelder sky"), required=False)
    ramme = forms.BooleanField(label=_("Bare rammeavtaler"), required=False)

    def filters(self) -> NoticeFilters:
        data = self.cleaned_data if self.is_valid() else {}
        return NoticeFilters(
            query=(data.get("q") or "").strip(),
            year=data.get("aar"),
            kind=data.get("type") or "",
            buyer_kind=data.get("oppdragsgiver") or "",
            cpv=data.get("cpv") or "",
            relevant_only=not data.get("alle"),
            framework_only=bool(data.get("ramme")),
        )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class NoticeUploadForm(AccessibleForm):
    xml_files = MultipleFileField(
        label=_("Kunngjøringer (eForms XML)"),
        help_text=_(
            "Én eller flere XML-filer fra Doffin eller TED: høyst 200 filer, 5 MB per fil og 50 MB til sammen."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["xml_files"].widget.attrs["accept"] = ".xml,application/xml,text/xml"

    def clean_xml_files(self) -> list[Any]:
        uploads = self.cleaned_data["xml_files"]
        if len(uploads) > MAX_UPLOAD_FILES:
            raise forms.ValidationError(
                _("Høyst %(count)s filer om gangen."), params={"count": MAX_UPLOAD_FILES}
            )
        if sum(upload.size for upload in uploads) > MAX_UPLOAD_TOTAL_BYTES:
            raise forms.ValidationError(
                _("Filene er til sammen større enn %(limit)s."),
                params={"limit": filesizeformat(MAX_UPLOAD_TOTAL_BYTES)},
            )
        for upload in uploads:
            if upload.size > MAX_BYTES:
                raise forms.ValidationError(
                    _("%(name)s er for stor. Største tillatte størrelse er %(limit)s."),
                    params={"name": upload.name, "limit": filesizeformat(MAX_BYTES)},
                )
            if not upload.name.lower().endswith(".xml"):
                raise forms.ValidationError(_("%(name)s er ikke en XML-fil."), params={"name": upload.name})
        return uploads
