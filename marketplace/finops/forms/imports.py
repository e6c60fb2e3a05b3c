"""The upload form for cost files."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from marketplace.core.forms import AccessibleForm
from marketplace.finops.models import ImportFormat


class UploadForm(AccessibleForm):
    file = forms.FileField(
        label=_("Kostnadsfil"),
        help_text=_("CSV (også gzip-komprimert) eller Parquet, én fil."),
    )
    source_format = forms.ChoiceField(
        label=_("Format"), choices=ImportFormat.choices, initial=ImportFormat.FOCUS
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ".csv,.gz,.parquet"

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        limit = int(settings.MPS_FINOPS_UPLOAD_MAX_BYTES)
        if upload.size > limit:
            raise forms.ValidationError(
                _("Filen er for stor. Største tillatte størrelse er %(limit)s."),
                params={"limit": filesizeformat(limit)},
            )
        if upload.size == 0:
            raise forms.ValidationError(_("Filen er tom."))
        return upload
