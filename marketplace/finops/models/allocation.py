"""Showback: an organisation's cost centres, the rules that allocate cost rows to them, and how shared costs are split.

A cost row goes to the cost centre of the first matching `AllocationRule` (lowest `priority` number first, then the
oldest rule). Rows matching a `SharedCostRule` are taken out first and split among cost centres: in proportion to
their directly allocated cost, evenly, or by fixed percentages (`SharedCostShare`). Whatever matches nothing is
"unallocated".
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from marketplace.accounts.models import Organisation

__all__ = [
    "AllocationRule",
    "CostCentre",
    "MatchKind",
    "SharedCostRule",
    "SharedCostShare",
    "SplitMethod",
]


class MatchKind(models.TextChoices):
    TAG = "tag", _("Tagg")
    SUB_ACCOUNT = "sub_account", _("Underkonto")
    SERVICE = "service", _("Tjeneste")


class SplitMethod(models.TextChoices):
    PROPORTIONAL = "proportional", _("Forholdsmessig")
    EVEN = "even", _("Likt")
    FIXED = "fixed", _("Faste prosenter")


class CostCentre(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="cost_centres")
    code = models.CharField(_("kode"), max_length=40)
    name = models.CharField(_("navn"), max_length=200)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("overordnet"),
    )

    class Meta:
        ordering = ["organisation", "code"]
        verbose_name = _("kostnadssted")
        verbose_name_plural = _("kostnadssteder")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="cost_centre_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class AllocationRule(models.Model):
    """Rows with tag `key` = `value` (kind tag) or SubAccountId = `value` (kind sub-account) go to `cost_centre`."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="allocation_rules")
    kind = models.CharField(
        _("type"),
        max_length=20,
        choices=[(MatchKind.TAG, MatchKind.TAG.label), (MatchKind.SUB_ACCOUNT, MatchKind.SUB_ACCOUNT.label)],
    )
    key = models.CharField(_("taggnøkkel"), max_length=200, blank=True)
    value = models.CharField(_("verdi"), max_length=200)
    cost_centre = models.ForeignKey(CostCentre, on_delete=models.CASCADE, related_name="rules")
    priority = models.PositiveIntegerField(_("prioritet"), default=100)
    created_at = models.DateTimeField(_("opprettet"), auto_now_add=True)

    class Meta:
        ordering = ["organisation", "priority", "pk"]
        verbose_name = _("fordelingsregel")
        verbose_name_plural = _("fordelingsregler")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="sub_account") | ~Q(key=""), name="allocation_rule_tag_needs_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key}={self.value} → {self.cost_centre_id}"


class SharedCostRule(models.Model):
    """Rows matching (tag key = value, SubAccountId = value or ServiceName = value) are shared among cost centres."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="shared_cost_rules")
    name = models.CharField(_("navn"), max_length=200)
    kind = models.CharField(_("type"), max_length=20, choices=MatchKind.choices)
    key = models.CharField(_("taggnøkkel"), max_length=200, blank=True)
    value = models.CharField(_("verdi"), max_length=200)
    method = models.CharField(_("fordelingsmetode"), max_length=20, choices=SplitMethod.choices)
    targets = models.ManyToManyField(
        CostCentre, related_name="+", blank=True, verbose_name=_("kostnadssteder")
    )  # for even/proportional; empty = every cost centre of the organisation
    priority = models.PositiveIntegerField(_("prioritet"), default=100)
    created_at = models.DateTimeField(_("opprettet"), auto_now_add=True)

    class Meta:
        ordering = ["organisation", "priority", "pk"]
        verbose_name = _("regel for felleskostnad")
        verbose_name_plural = _("regler for felleskostnader")
        constraints = [
            models.CheckConstraint(condition=~Q(kind="tag") | ~Q(key=""), name="shared_rule_tag_needs_key")
        ]

    def __str__(self) -> str:
        return self.name


class SharedCostShare(models.Model):
    """A fixed percentage of a shared-cost rule for one cost centre (the shares of a rule sum to 100)."""

    rule = models.ForeignKey(SharedCostRule, on_delete=models.CASCADE, related_name="shares")
    cost_centre = models.ForeignKey(CostCentre, on_delete=models.CASCADE, related_name="+")
    percent = models.DecimalField(_("prosent"), max_digits=7, decimal_places=4)

    class Meta:
        ordering = ["rule", "cost_centre__code"]
        verbose_name = _("andel")
        verbose_name_plural = _("andeler")
        constraints = [
            models.UniqueConstraint(fields=["rule", "cost_centre"], name="shared_share_unique"),
            models.CheckConstraint(
                condition=Q(percent__gt=0) & Q(percent__lte=100), name="shared_share_percent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cost_centre_id} {self.percent} %"
