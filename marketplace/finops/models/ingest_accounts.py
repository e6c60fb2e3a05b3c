"""Which organisation a provider billing account belongs to: the first import that loads a BillingAccountId claims it,
and an import for another organisation carrying the same id is refused (a file loaded under the wrong `--org`)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from marketplace.accounts.models import Organisation
from marketplace.finops.models.ingest import FocusImport

__all__ = ["BillingAccountOwner"]


class BillingAccountOwner(models.Model):
    billing_account_id = models.CharField(_("fakturakonto"), max_length=200, unique=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    first_import = models.ForeignKey(FocusImport, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["billing_account_id"]
        verbose_name = _("fakturakonto")
        verbose_name_plural = _("fakturakontoer")

    def __str__(self) -> str:
        return self.billing_account_id
