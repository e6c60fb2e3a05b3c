"""Demo organisations (real public bodies, real organisation numbers) and invented demo people."""

from __future__ import annotations

from collections.abc import Sequence

from marketplace.accounts.models import Organisation, OrganisationKind, Role, User
from marketplace.accounts.services import membership_grant, organisation_create
from marketplace.core.demo import DemoResult

DEMO_PASSWORD = "Skyavtale-2026"  # noqa: S105 - printed demo log-in, never used in production

BUYERS = [
    ("970205039", "Norges vassdrags- og energidirektorat (NVE)", OrganisationKind.STATE),
    ("974761467", "Tolletaten", OrganisationKind.STATE),
    ("961181399", "Arkivverket", OrganisationKind.STATE),
    ("971040238", "Statens kartverk", OrganisationKind.STATE),
    ("991825827", "Digitaliseringsdirektoratet", OrganisationKind.STATE),
    ("964338442", "Voss herad", OrganisationKind.MUNICIPALITY),
    ("939760946", "Volda kommune", OrganisationKind.MUNICIPALITY),
    ("921153082", "Sogndal kommune", OrganisationKind.MUNICIPALITY),
    ("921693230", "Vestland fylkeskommune", OrganisationKind.COUNTY),
]
MPS_ORG = ("986252932", "Direktoratet for forvaltning og økonomistyring (DFØ)", OrganisationKind.MPS)

# username, first name, last name, orgnr, roles
PEOPLE = [
    ("nve.innkjoper", "Ingrid", "Haugen", "970205039", [Role.BUYER, Role.EVALUATOR]),
    ("nve.godkjenner", "Lars", "Berg", "970205039", [Role.APPROVER]),
    (
        "nve.admin",
        "Kari",
        "Nilsen",
        "970205039",
        [Role.ORG_ADMIN, Role.FINOPS_ANALYST, Role.SECURITY_OFFICER, Role.PRIVACY_OFFICER],
    ),
    ("voss.innkjoper", "Sigrid", "Lunde", "964338442", [Role.BUYER, Role.APPROVER]),
    ("radgiver", "Olav", "Strand", "970205039", [Role.BUYER]),
    ("dfo.kategori", "Marte", "Solberg", MPS_ORG[0], [Role.CATEGORY_MANAGER]),
    ("dfo.admin", "Henrik", "Dahl", MPS_ORG[0], [Role.MPS_ADMIN]),
]
# A person acting for more than one organisation chooses which in the header.
EXTRA_MEMBERSHIPS = [("radgiver", "964338442", [Role.BUYER, Role.EVALUATOR])]


def organisation_ensure(orgnr: str, name: str, kind: str, result: DemoResult) -> Organisation:
    organisation = Organisation.objects.filter(orgnr=orgnr).first()
    if organisation is None:
        organisation = organisation_create(actor=None, orgnr=orgnr, name=name, kind=kind)
    result.organisations.append(
        {"orgnr": organisation.orgnr, "name": organisation.name, "kind": organisation.kind}
    )
    return organisation


def user_ensure(
    username: str,
    first_name: str,
    last_name: str,
    organisation: Organisation,
    roles: Sequence[str],
    result: DemoResult,
) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_user(
            username=username,
            password=DEMO_PASSWORD,
            first_name=first_name,
            last_name=last_name,
            email=f"{username}@example.invalid",
            is_staff=Role.MPS_ADMIN in roles,
        )
    membership_grant(actor=None, user=user, organisation=organisation, roles=roles)
    result.users.append(
        {
            "username": username,
            "password": DEMO_PASSWORD,
            "orgnr": organisation.orgnr,
            "organisation": organisation.name,
            "roles": [str(role) for role in roles],
        }
    )
    return user


def seed(result: DemoResult) -> None:
    by_orgnr = {}
    for orgnr, name, kind in [*BUYERS, MPS_ORG]:
        by_orgnr[orgnr] = organisation_ensure(orgnr, name, kind, result)
    for username, first, last, orgnr, roles in PEOPLE:
        user_ensure(username, first, last, by_orgnr[orgnr], roles, result)
    for username, orgnr, roles in EXTRA_MEMBERSHIPS:
        user = User.objects.get(username=username)
        membership_grant(actor=None, user=user, organisation=by_orgnr[orgnr], roles=roles)
        result.users.append(
            {
                "username": username,
                "password": DEMO_PASSWORD,
                "orgnr": orgnr,
                "organisation": by_orgnr[orgnr].name,
                "roles": [str(role) for role in roles],
            }
        )
    result.counts["organisations"] = Organisation.objects.count()
    result.counts["users"] = User.objects.count()
