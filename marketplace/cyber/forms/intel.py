"""Forms for threat intelligence and awareness training: feed and CSV uploads, declared software, alert status."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from marketplace.core.forms import AccessibleForm
from marketplace.cyber.models import AlertStatus


class UploadForm(AccessibleForm):
    file = forms.FileField(label=_("Fil"))
    accept = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.accept:
            self.fields["file"].widget.attrs["accept"] = self.accept

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        limit = int(settings.MPS_UPLOAD_MAX_BYTES)
        if upload.size > limit:
            raise forms.ValidationError(
                _("Filen er for stor. Største tillatte størrelse er %(limit)s."),
                params={"limit": filesizeformat(limit)},
            )
        if upload.size == 0:
            raise forms.ValidationError(_("Filen er tom."))
        return upload


class KevUploadForm(UploadForm):
    accept = ".json,application/json"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "kev")
        super().__init__(*args, **kwargs)
        self.fields["file"].label = _("KEV-katalog (JSON fra CISA)")


class StixUploadForm(UploadForm):
    accept = ".json,application/json,application/stix+json"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "stix")
        super().__init__(*args, **kwargs)
        self.fields["file"].label = _("STIX 2.1-pakke (JSON)")


class AwarenessUploadForm(UploadForm):
    accept = ".csv,text/csv"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].label = _("Opplæringstall (CSV)")
        self.fields["file"].help_text = _(
            "Kolonner: period (ÅÅÅÅ-MM), users, lessons_sent, lessons_completed. En måned som allerede er "
            "lagret, erstattes."
        )


class SoftwareForm(AccessibleForm):
    hostname = forms.CharField(
        label=_("Vertsnavn"),
        max_length=253,
        required=False,
        help_text=_("Maskinen eller nettstedet programvaren kjører på, for eksempel post.example.no."),
    )
    product_string = forms.CharField(
        label=_("Programvare"),
        max_length=300,
        help_text=_(
            "Navn og versjon («Microsoft Exchange Server 2019», «nginx/1.18.0»), en CPE 2.3-streng eller en purl."
        ),
    )


class AlertStatusForm(forms.Form):
    status = forms.ChoiceField(choices=AlertStatus.choices)
