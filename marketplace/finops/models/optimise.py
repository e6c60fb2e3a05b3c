"""Inputs of the optimisation analyses that are not FOCUS rows: SaaS licence assignments and their prices, the SKU
mappings that tie a supplier's billed SKUs to its framework contract's price list (price compliance), and the
business metrics an organisation uploads for unit economics."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from marketplace.accounts.models import Organisation
from marketplace.catalogue.models import Contract, PriceLine

__all__ = ["BusinessMetric", "LicenceAssignment", "LicencePrice", "SkuMapping"]


class LicenceAssignment(models.Model):
    """One user's seat of one SaaS product, as the organisation's last licence import said."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="licence_assignments"
    )
    product = models.CharField(_("produkt"), max_length=200)
    user_identifier = models.CharField(_("bruker"), max_length=254)
    assigned_on = models.DateField(_("tildelt"))
    last_active_on = models.DateField(_("sist aktiv"), null=True, blank=True)
    import_batch = models.CharField(_("importnummer"), max_length=36)
    imported_at = models.DateTimeField(_("importert"))
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["organisation", "product", "user_identifier"]
        verbose_name = _("lisenstildeling")
        verbose_name_plural = _("lisenstildelinger")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "product", "user_identifier"], name="licence_assignment_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product}: {self.user_identifier}"


class LicencePrice(models.Model):
    """How one product's seat is priced for an organisation: a contract price line (unit user_month), a manual
    monthly price, or FOCUS rows (SaaS rows whose ServiceName or SkuId matches) — the first one set wins."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="licence_prices")
    product = models.CharField(_("produkt"), max_length=200)
    price_line = models.ForeignKey(
        PriceLine,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("prislinje"),
    )
    monthly_amount = models.DecimalField(
        _("pris per bruker og måned (NOK)"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    focus_service_name = models.CharField(_("FOCUS ServiceName"), max_length=200, blank=True)
    focus_sku_id = models.CharField(_("FOCUS SkuId"), max_length=200, blank=True)

    class Meta:
        ordering = ["organisation", "product"]
        verbose_name = _("lisenspris")
        verbose_name_plural = _("lisenspriser")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "product"], name="licence_price_unique"),
            models.CheckConstraint(
                condition=Q(monthly_amount__isnull=True) | Q(monthly_amount__gte=0),
                name="licence_price_nonnegative",
            ),
            models.CheckConstraint(
                condition=Q(price_line__isnull=False)
                | Q(monthly_amount__isnull=False)
                | ~Q(focus_service_name="")
                | ~Q(focus_sku_id=""),
                name="licence_price_has_source",
            ),
        ]

    def __str__(self) -> str:
        return self.product


class SkuMapping(models.Model):
    """Which billed FOCUS rows a framework contract's price line covers.

    Rows match when their ProviderName or InvoiceIssuerName is `provider_name` and either their SkuId is `sku_id`,
    or (no `sku_id`) their ServiceName is `service_name` and their ChargeDescription contains
    `charge_description_contains`. `unit_factor` converts one FOCUS PricingUnit into price-line units (Hours →
    vcpu_hour: 1; GB-Mo → gib_month: 0.9313225746, since 1 GB = 10⁹ / 2³⁰ GiB). The price compared with is the line
    with SKU `price_sku` in the contract's price list valid at the charge date (the highest version whose valid_from
    is on or before it). A billed unit price above contract price × (1 + tolerance_percent / 100) is a deviation."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="sku_mappings")
    provider_name = models.CharField(_("leverandør i FOCUS (ProviderName)"), max_length=200)
    sku_id = models.CharField(_("FOCUS SkuId"), max_length=200, blank=True)
    service_name = models.CharField(_("FOCUS ServiceName"), max_length=200, blank=True)
    charge_description_contains = models.CharField(
        _("ChargeDescription inneholder"), max_length=200, blank=True
    )
    pricing_unit = models.CharField(_("FOCUS PricingUnit"), max_length=60, blank=True)
    price_sku = models.CharField(_("varenummer i prislisten"), max_length=80)
    unit_factor = models.DecimalField(
        _("omregningsfaktor"), max_digits=20, decimal_places=10, default=Decimal("1")
    )
    tolerance_percent = models.DecimalField(
        _("toleranse (%)"), max_digits=6, decimal_places=2, default=Decimal("0")
    )
    created_at = models.DateTimeField(_("opprettet"))

    class Meta:
        ordering = ["contract", "provider_name", "sku_id", "service_name"]
        verbose_name = _("SKU-kobling")
        verbose_name_plural = _("SKU-koblinger")
        constraints = [
            models.CheckConstraint(condition=Q(unit_factor__gt=0), name="sku_mapping_factor_positive"),
            models.CheckConstraint(
                condition=Q(tolerance_percent__gte=0), name="sku_mapping_tolerance_nonneg"
            ),
            models.CheckConstraint(
                condition=~Q(sku_id="") | ~Q(service_name=""), name="sku_mapping_matches_something"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract.reference}: {self.sku_id or self.service_name} → {self.price_sku}"


class BusinessMetric(models.Model):
    """A monthly business volume (cases handled, users served) to divide cost by."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="business_metrics")
    name = models.CharField(_("navn"), max_length=100)
    unit = models.CharField(_("enhet"), max_length=50)
    month = models.DateField(_("måned"))  # first day of the month
    value = models.DecimalField(_("verdi"), max_digits=20, decimal_places=4)

    class Meta:
        ordering = ["organisation", "name", "month"]
        verbose_name = _("forretningsmål")
        verbose_name_plural = _("forretningsmål")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name", "month"], name="business_metric_unique"),
            models.CheckConstraint(condition=Q(value__gt=0), name="business_metric_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.month:%Y-%m}: {self.value} {self.unit}"
