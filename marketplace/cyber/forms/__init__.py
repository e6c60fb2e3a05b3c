"""Forms of the CyberX pages: add an asset, import assets from CSV. Shape and field validation only; the services
(`marketplace.cyber.services.assets`) check the rest (duplicates, private names) and write."""

from __future__ import annotations

import ipaddress
import re
from typing import Any

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from marketplace.core.forms import AccessibleForm
from marketplace.cyber.models import AssetKind

IMPORT_MAX_BYTES = 1024 * 1024  # one MiB of "name,kind" lines is tens of thousands of assets
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def normalise_hostname(value: str) -> str:
    """A user's entry as a lower-case ASCII host name: scheme, path, port and trailing dot removed, IDNA-encoded.
    Raises ValidationError for IP addresses and names that cannot be host names."""
    text = value.strip().lower()
    text = re.sub(r"^[a-z][a-z0-9+.-]*://", "", text)
    text = text.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    if text.startswith("[") or text.count(":") > 1:
        raise forms.ValidationError(_("Skriv et domenenavn eller vertsnavn, ikke en IP-adresse."), code="ip")
    text = text.split(":", 1)[0].rstrip(".")
    if not text:
        raise forms.ValidationError(_("Skriv et domenenavn eller vertsnavn."), code="required")
    try:
        ipaddress.ip_address(text)
    except ValueError:
        pass
    else:
        raise forms.ValidationError(_("Skriv et domenenavn eller vertsnavn, ikke en IP-adresse."), code="ip")
    try:
        text = text.encode("idna").decode("ascii")
    except UnicodeError as error:
        raise forms.ValidationError(
            _("«%(name)s» er ikke et gyldig domenenavn."),
            params={"name": value if len(value) <= 80 else value[:79] + "…"},
        ) from error
    labels = text.split(".")
    if len(text) > 253 or len(labels) < 2 or not all(_LABEL.match(label) for label in labels):
        raise forms.ValidationError(
            _("«%(name)s» er ikke et gyldig domenenavn. Eksempel: nve.no eller www.nve.no."),
            params={"name": value if len(value) <= 80 else value[:79] + "…"},
            code="invalid",
        )
    if labels[-1].isdigit():
        raise forms.ValidationError(_("Skriv et domenenavn eller vertsnavn, ikke en IP-adresse."), code="ip")
    return text


class AssetForm(AccessibleForm):
    name = forms.CharField(
        label=_("Domene eller vertsnavn"),
        max_length=300,
        help_text=_(
            "For eksempel nve.no (domene: web, e-post og DNS) eller www.nve.no (vertsnavn: web og TLS)."
        ),
    )
    kind = forms.ChoiceField(label=_("Type"), choices=AssetKind.choices, initial=AssetKind.DOMAIN)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})

    def clean_name(self) -> str:
        return normalise_hostname(self.cleaned_data["name"])


class AssetImportForm(AccessibleForm):
    file = forms.FileField(
        label=_("CSV-fil"),
        help_text=_(
            "Én ressurs per linje med kolonnene name,kind (kind er domain eller host), med overskriftslinje. "
            "UTF-8. Ingenting lagres hvis en linje er feil."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ".csv,text/csv"

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size == 0:
            raise forms.ValidationError(_("Filen er tom."), code="empty")
        if upload.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("Filen er for stor. Største tillatte størrelse er %(limit)s."),
                params={"limit": filesizeformat(IMPORT_MAX_BYTES)},
                code="too_large",
            )
        name = (upload.name or "").lower()
        content_type = (getattr(upload, "content_type", "") or "").split(";")[0].strip().lower()
        if not name.endswith(".csv") or content_type not in (
            "",
            "text/csv",
            "text/plain",
            "application/csv",
            "application/vnd.ms-excel",
            "application/octet-stream",
        ):
            raise forms.ValidationError(_("Filen må være en CSV-fil (.csv)."), code="content_type")
        head = upload.read(4096)
        upload.seek(0)
        try:
            head.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            # the first bytes may end inside a multi-byte character; only an error before that is real
            if error.start < len(head) - 3:
                raise forms.ValidationError(_("Filen må være tekst i UTF-8."), code="encoding") from error
        if b"\x00" in head:
            raise forms.ValidationError(_("Filen må være tekst i UTF-8."), code="encoding")
        return upload
