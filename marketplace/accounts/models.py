from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from marketplace.core.models import TimeStampedModel


class OrganisationKind(models.TextChoices):
    STATE = "state", _("Statlig virksomhet")
    MUNICIPALITY = "municipality", _("Kommune")
    COUNTY = "county", _("Fylkeskommune")
    OTHER_PUBLIC = "other_public", _("Annen offentlig virksomhet")
    SUPPLIER = "supplier", _("Leverandør")
    MPS = "mps", _("MPS (DFØ)")


BUYER_KINDS = frozenset(
    {
        OrganisationKind.STATE,
        OrganisationKind.MUNICIPALITY,
        OrganisationKind.COUNTY,
        OrganisationKind.OTHER_PUBLIC,
    }
)


class Role(models.TextChoices):
    # buyer roles
    BUYER = "buyer", _("Innkjøper")
    EVALUATOR = "evaluator", _("Evaluator")
    APPROVER = "approver", _("Godkjenner")
    FINOPS_ANALYST = "finops_analyst", _("FinOps-analytiker")
    SECURITY_OFFICER = "security_officer", _("Sikkerhetsansvarlig")
    PRIVACY_OFFICER = "privacy_officer", _("Personvernansvarlig")
    ORG_ADMIN = "org_admin", _("Virksomhetsadministrator")
    # supplier roles
    SUPPLIER_ADMIN = "supplier_admin", _("Leverandøradministrator")
    LISTING_EDITOR = "listing_editor", _("Tjenesteredaktør")
    BIDDER = "bidder", _("Tilbyder")
    # MPS roles
    CATEGORY_MANAGER = "category_manager", _("Kategoriansvarlig")
    MPS_ADMIN = "mps_admin", _("MPS-administrator")


BUYER_ROLES = frozenset(
    {
        Role.BUYER,
        Role.EVALUATOR,
        Role.APPROVER,
        Role.FINOPS_ANALYST,
        Role.SECURITY_OFFICER,
        Role.PRIVACY_OFFICER,
        Role.ORG_ADMIN,
    }
)
SUPPLIER_ROLES = frozenset({Role.SUPPLIER_ADMIN, Role.LISTING_EDITOR, Role.BIDDER})
MPS_ROLES = frozenset({Role.CATEGORY_MANAGER, Role.MPS_ADMIN})


class Organisation(TimeStampedModel):
    orgnr = models.CharField(_("organisasjonsnummer"), max_length=9, unique=True)
    name = models.CharField(_("navn"), max_length=300)
    kind = models.CharField(_("type"), max_length=20, choices=OrganisationKind.choices)
    organisation_form = models.CharField(_("organisasjonsform"), max_length=10, blank=True)
    sector_code = models.CharField(_("sektorkode"), max_length=10, blank=True)
    municipality = models.CharField(_("kommune"), max_length=100, blank=True)
    website = models.CharField(_("nettside"), max_length=300, blank=True)
    is_bankrupt = models.BooleanField(_("konkurs"), default=False)
    is_under_liquidation = models.BooleanField(_("under avvikling"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("virksomhet")
        verbose_name_plural = _("virksomheter")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=OrganisationKind.values), name="organisation_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def orgnr_display(self) -> str:
        return f"{self.orgnr[:3]} {self.orgnr[3:6]} {self.orgnr[6:]}"

    @property
    def is_buyer(self) -> bool:
        return self.kind in BUYER_KINDS

    @property
    def is_supplier(self) -> bool:
        return self.kind == OrganisationKind.SUPPLIER


class User(AbstractUser):
    """A person. What they may do depends on the organisation they act for (Membership)."""

    oidc_subject = models.CharField(_("OIDC-subjekt"), max_length=255, blank=True, null=True, unique=True)

    class Meta:
        verbose_name = _("bruker")
        verbose_name_plural = _("brukere")


class Membership(TimeStampedModel):
    """One role a user holds in one organisation."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("bruker")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("virksomhet")
    )
    role = models.CharField(_("rolle"), max_length=30, choices=Role.choices)

    class Meta:
        verbose_name = _("medlemskap")
        verbose_name_plural = _("medlemskap")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="membership_unique_role"),
            models.CheckConstraint(condition=models.Q(role__in=Role.values), name="membership_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.organisation} ({self.get_role_display()})"


class ApiToken(models.Model):
    """A bearer token for machine clients. Only the SHA-256 of the secret is stored."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("bruker")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("virksomhet")
    )
    name = models.CharField(_("navn"), max_length=100, blank=True)
    prefix = models.CharField(_("prefiks"), max_length=12, db_index=True)
    key_hash = models.CharField(_("hash"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("opprettet"))
    last_used_at = models.DateTimeField(_("sist brukt"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("trukket tilbake"), null=True, blank=True)

    class Meta:
        verbose_name = _("API-nøkkel")
        verbose_name_plural = _("API-nøkler")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"
