"""View and API tests: the permission matrix (anonymous, other organisation, wrong role, right role, MPS staff,
supplier), the happy paths (start from a service page, add rows, sign off, PDF) and form errors."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from marketplace.accounts.models import Role
from marketplace.accounts.services import api_token_create
from marketplace.accounts.tests.factories import member
from marketplace.core.models import AuditEvent
from marketplace.privacy.demo_assessments import office_suite_example
from marketplace.privacy.models import Assessment
from marketplace.privacy.services import assessments as services
from marketplace.privacy.tests.helpers_assessments import ASSESSED_ON, office_service, officer

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessment(buyer_org):
    user = officer(buyer_org, username="eier")
    return office_suite_example(
        actor=user, organisation=buyer_org, assessed_on=ASSESSED_ON, service=office_service()
    )


def client_for(request, who):
    """who: anonymous, officer, admin, buyer (wrong role), other (other organisation), mps, supplier."""
    if who == "anonymous":
        return Client()
    organisation, roles = {
        "officer": ("buyer_org", (Role.PRIVACY_OFFICER,)),
        "admin": ("buyer_org", (Role.ORG_ADMIN,)),
        "buyer": ("buyer_org", (Role.BUYER, Role.SECURITY_OFFICER)),
        "other": ("other_buyer_org", (Role.PRIVACY_OFFICER, Role.ORG_ADMIN)),
        "mps": ("mps_org", (Role.CATEGORY_MANAGER, Role.MPS_ADMIN)),
        "supplier": ("supplier_org", (Role.SUPPLIER_ADMIN,)),
    }[who]
    org = request.getfixturevalue(organisation)
    user = member(org, *roles, username=f"u-{who}")
    login = request.getfixturevalue("login")
    return login(user, org)


MATRIX = [
    ("anonymous", 302),
    ("officer", 200),
    ("admin", 200),
    ("buyer", 404),
    ("other", 404),
    ("mps", 404),
    ("supplier", 404),
]


@pytest.mark.parametrize(("who", "status"), MATRIX)
@pytest.mark.parametrize(
    "page", ["privacy:assessment_detail", "privacy:assessment_edit", "privacy:assessment_pdf"]
)
def test_assessment_pages_matrix(request, assessment, who, status, page):
    response = client_for(request, who).get(reverse(page, args=[assessment.pk]))
    assert response.status_code == status
    if status == 200 and page == "privacy:assessment_pdf":
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 302),
        ("officer", 200),
        ("admin", 200),
        ("buyer", 403),
        ("other", 200),
        ("mps", 302),
        ("supplier", 403),
    ],
)
def test_list_matrix_and_scoping(request, assessment, who, status):
    response = client_for(request, who).get(reverse("privacy:index"))
    assert response.status_code == status
    if who == "mps":
        assert response["Location"] == reverse("privacy:assessment_statistics")
    if status == 200:
        assert (assessment.title in response.content.decode()) is (who in ("officer", "admin"))


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 302), ("officer", 403), ("buyer", 403), ("supplier", 403), ("mps", 200)],
)
def test_statistics_only_for_mps_and_anonymised(request, assessment, buyer_org, who, status):
    response = client_for(request, who).get(reverse("privacy:assessment_statistics"))
    assert response.status_code == status
    if status == 200:
        body = response.content.decode()
        assert buyer_org.name not in body
        assert assessment.title not in body
        assert "ONWARD_NOT_MAPPED" in body


@pytest.mark.parametrize(("who", "status"), [("buyer", 404), ("other", 404), ("mps", 404), ("supplier", 404)])
def test_denied_posts_change_nothing(request, assessment, who, status):
    client = client_for(request, who)
    events = AuditEvent.objects.count()
    processing = assessment.processing.count()
    response = client.post(
        reverse("privacy:assessment_row_add", args=[assessment.pk, "processing"]),
        {"purpose": "P", "data_category": "C", "data_subjects": "S", "legal_basis": "e"},
    )
    assert response.status_code == status
    response = client.post(reverse("privacy:assessment_state", args=[assessment.pk]), {"action": "submit"})
    assert response.status_code == status
    assessment.refresh_from_db()
    assert (assessment.processing.count(), assessment.state, AuditEvent.objects.count()) == (
        processing,
        "draft",
        events,
    )


def test_service_panel_shows_start_button_only_to_privacy_roles(request, buyer_org):
    service = office_service()
    url = reverse("catalogue:service_detail", args=[service.pk])
    start = f"{reverse('privacy:assessment_start')}?service={service.pk}"
    assert start in client_for(request, "officer").get(url).content.decode()
    for who in ("anonymous", "buyer", "supplier", "mps"):
        assert start not in client_for(request, who).get(url).content.decode()


def test_start_from_service_page_then_fill_and_sign_off(request, buyer_org):
    service = office_service()
    client = client_for(request, "officer")
    response = client.get(f"{reverse('privacy:assessment_start')}?service={service.pk}")
    assert "E-post og kalender" in response.content.decode()
    # name and supplier come from the catalogue: the fields for a service outside it are not offered
    assert 'name="service_name"' not in response.content.decode()
    assert 'name="service_name"' in client.get(reverse("privacy:assessment_start")).content.decode()
    response = client.post(
        f"{reverse('privacy:assessment_start')}?service={service.pk}",
        {"assessed_on": "2026-06-01", "template": ""},
    )
    created = Assessment.objects.get()
    assert response["Location"] == reverse("privacy:assessment_detail", args=[created.pk])
    assert created.service == service
    assert created.transfers.count() == 3
    # bad transfer row: clear field errors, nothing stored
    response = client.post(
        reverse("privacy:assessment_row_add", args=[created.pk, "transfer"]),
        {
            "data_category": "Dokumenter",
            "recipient": "X",
            "country": "ZZ",
            "purpose": "",
            "edpb_steps_done": "0",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Ukjent landkode. Bruk ISO 3166-1 alfa-2, f.eks. NO, IE eller US." in body
    assert "Formål mangler." in body
    assert created.transfers.count() == 3
    response = client.post(
        reverse("privacy:assessment_row_add", args=[created.pk, "processing"]),
        {
            "purpose": "Saksbehandling",
            "data_category": "Dokumenter",
            "data_subjects": "Ansatte",
            "legal_basis": "e",
        },
    )
    assert response.status_code == 302
    response = client.post(
        reverse("privacy:assessment_edit", args=[created.pk]),
        {"title": "E-post", "assessed_on": "2026-06-01", "review_on": "2026-05-01", "dpo_opinion": "OK"},
    )
    assert "Revisjonsdatoen må være etter vurderingsdatoen." in response.content.decode()
    response = client.post(
        reverse("privacy:assessment_edit", args=[created.pk]),
        {
            "title": "E-post",
            "assessed_on": "2026-06-01",
            "review_on": "2027-06-01",
            "dpo_opinion": "OK",
            "is_limited_to_instructions": "yes",
        },
    )
    assert response.status_code == 302
    client.post(reverse("privacy:assessment_state", args=[created.pk]), {"action": "submit"})
    # open high-severity findings: the page asks for the residual risk to be accepted, and nothing is signed
    page = client.post(
        reverse("privacy:assessment_state", args=[created.pk]), {"action": "sign_off"}, follow=True
    ).content.decode()
    assert "godtar restrisikoen" in page
    created.refresh_from_db()
    assert (created.state, created.versions.count()) == ("in_review", 0)
    client.post(
        reverse("privacy:assessment_state", args=[created.pk]),
        {"action": "sign_off", "accept_residual_risk": "1"},
    )
    created.refresh_from_db()
    assert (created.state, created.is_limited_to_instructions, created.versions.count()) == (
        "signed_off",
        True,
        1,
    )
    page = client.get(reverse("privacy:assessment_detail", args=[created.pk])).content.decode()
    # the prefilled rows of the third-country sub-processors do not say which data yet
    assert page.count('data-rule="ONWARD_NOT_MAPPED"') == 2
    assert 'data-rule="US_NOT_DPF"' in page
    client.post(
        reverse("privacy:assessment_risk", args=[created.pk]),
        {"event": "disappearance", "severity": "4", "likelihood": "3", "measures": ""},
    )
    created.refresh_from_db()
    assert (created.state, created.version) == ("draft", 2)


def _token_client(user, org):
    _token, secret = api_token_create(actor=None, user=user, organisation=org)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_api_detail_and_list(assessment, buyer_org, other_buyer_org, supplier_org):
    owner_client = _token_client(member(buyer_org, Role.PRIVACY_OFFICER, username="api-eier"), buyer_org)
    response = owner_client.get(f"/api/v1/assessments/{assessment.pk}")
    assert response.status_code == 200
    data = response.json()
    assert (data["id"], data["title"], data["version"], data["state"]) == (
        assessment.pk,
        "Kontorpakke i skyen (amerikansk morselskap, datasentre i EU)",
        1,
        "draft",
    )
    assert [t["adequacy"] for t in data["transfers"]] == ["eea", "not_adequate"]
    assert "ONWARD_NOT_MAPPED" in {f["rule_id"] for f in data["findings"]}
    listing = owner_client.get("/api/v1/assessments").json()
    assert [row["id"] for row in listing] == [assessment.pk]
    for org, roles in (
        (other_buyer_org, (Role.PRIVACY_OFFICER,)),
        (supplier_org, (Role.SUPPLIER_ADMIN,)),
        (buyer_org, (Role.BUYER,)),
    ):
        client = _token_client(member(org, *roles), org)
        response = client.get(f"/api/v1/assessments/{assessment.pk}")
        assert response.status_code == 404
        assert response.json() == {"detail": "Fant ikke objektet.", "errors": []}
    assert Client().get(f"/api/v1/assessments/{assessment.pk}").status_code == 401
    assert (
        _token_client(member(supplier_org, Role.SUPPLIER_ADMIN), supplier_org)
        .get("/api/v1/assessments")
        .status_code
        == 403
    )
    assert owner_client.get("/api/v1/assessments/999999").status_code == 404


def test_template_is_readable_but_not_changeable(request, buyer_org):
    from marketplace.privacy.demo_assessments import templates_ensure

    templates_ensure(officer(buyer_org), dt.datetime(2026, 5, 1, tzinfo=dt.UTC))
    template = Assessment.objects.filter(is_template=True).first()
    client = client_for(request, "officer")
    detail = client.get(reverse("privacy:assessment_detail", args=[template.pk]))
    assert detail.status_code == 200
    start = f"{reverse('privacy:assessment_start')}?mal={template.pk}"
    assert f'href="{start}"' in detail.content.decode()
    assert f'<option value="{template.pk}" selected>' in client.get(start).content.decode()
    assert client.get(reverse("privacy:assessment_edit", args=[template.pk])).status_code == 403
    assert (
        client_for(request, "supplier")
        .get(reverse("privacy:assessment_detail", args=[template.pk]))
        .status_code
        == 404
    )
    response = client.post(
        reverse("privacy:assessment_row_add", args=[template.pk, "processing"]),
        {"purpose": "P", "data_category": "C", "data_subjects": "S", "legal_basis": "e"},
    )
    assert response.status_code == 403
    assert template.processing.count() == 1


def test_api_returns_a_frozen_version(buyer_org):
    user = officer(buyer_org)
    assessment = services.assessment_start(
        actor=user, organisation=buyer_org, assessed_on=ASSESSED_ON, service_name="Skjema"
    )
    services.assessment_row_add(
        actor=user,
        assessment=assessment,
        kind="processing",
        data={
            "purpose": "Søknader",
            "data_category": "Kontakt",
            "data_subjects": "Innbyggere",
            "legal_basis": "e",
        },
    )
    services.assessment_update(
        actor=user,
        assessment=assessment,
        data=services.AssessmentInput(
            title="Skjema v1",
            assessed_on=ASSESSED_ON,
            review_on=None,
            provider_purposes_known=True,
            is_limited_to_instructions=True,
            has_disclosure_clause=True,
            dpo_opinion="Godkjent av PVO.",
        ),
    )
    services.assessment_submit(actor=user, assessment=assessment)
    services.assessment_sign_off(actor=user, assessment=assessment, accept_residual_risk=True)
    services.assessment_update(
        actor=user,
        assessment=assessment,
        data=services.AssessmentInput(
            title="Skjema v2",
            assessed_on=ASSESSED_ON,
            review_on=None,
            provider_purposes_known=True,
            is_limited_to_instructions=True,
            has_disclosure_clause=True,
            dpo_opinion="",
        ),
    )
    client = _token_client(user, buyer_org)
    current = client.get(f"/api/v1/assessments/{assessment.pk}").json()
    frozen = client.get(f"/api/v1/assessments/{assessment.pk}?version=1").json()
    assert (current["title"], current["version"], current["state"]) == ("Skjema v2", 2, "draft")
    assert (frozen["title"], frozen["version"], frozen["state"], frozen["dpo_opinion"]) == (
        "Skjema v1",
        1,
        "signed_off",
        "Godkjent av PVO.",
    )
    assert client.get(f"/api/v1/assessments/{assessment.pk}?version=2").status_code == 404


def test_findings_show_in_english_when_the_user_chose_english(request, assessment):
    """The engine's texts are Bokmål (stored, API, PDF); the page translates each finding's title and explanation."""
    from django.utils import translation

    title = "Behandlingen er ikke begrenset til dokumenterte instrukser"
    explanation = (
        "Databehandleravtalen må slå fast at leverandøren og underdatabehandlerne bare behandler "
        "personopplysninger etter dokumenterte instrukser, også for overføringer."
    )
    client = client_for(request, "officer")
    url = reverse("privacy:assessment_detail", args=[assessment.pk])
    assert title in client.get(url).content.decode()
    client.cookies["mps_language"] = "en"
    english = client.get(url).content.decode()
    with translation.override("en"):
        expected = [translation.gettext(title), translation.gettext(explanation)]
    assert expected[0] != title
    assert expected[1] != explanation
    assert all(text in english for text in expected)
    assert title not in english


@pytest.mark.parametrize(("who", "status"), MATRIX)
@pytest.mark.parametrize("kind", ["processing", "provider_purpose", "transfer", "action"])
def test_row_edit_page_matrix(request, assessment, who, status, kind):
    row = getattr(assessment, services_relation(kind)).first()
    response = client_for(request, who).get(
        reverse("privacy:assessment_row_edit", args=[assessment.pk, kind, row.pk])
    )
    assert response.status_code == status
    if status == 200:
        assert f'value="{getattr(row, first_text(kind))}"' in response.content.decode()


def services_relation(kind):
    return {
        "processing": "processing",
        "provider_purpose": "provider_purposes",
        "transfer": "transfers",
        "action": "actions",
    }[kind]


def first_text(kind):
    return {
        "processing": "purpose",
        "provider_purpose": "purpose",
        "transfer": "recipient",
        "action": "description",
    }[kind]


@pytest.mark.parametrize(("who", "status"), [("buyer", 404), ("other", 404), ("mps", 404), ("supplier", 404)])
def test_denied_row_edits_and_deletes_change_nothing(request, assessment, who, status):
    client = client_for(request, who)
    row = assessment.actions.get()
    before = (
        list(assessment.actions.values()),
        list(assessment.transfers.values()),
        AuditEvent.objects.count(),
    )
    response = client.post(
        reverse("privacy:assessment_row_edit", args=[assessment.pk, "action", row.pk]),
        {"description": "Endret", "owner": "X", "due_on": "2026-07-01", "status": "done"},
    )
    assert response.status_code == status
    transfer = assessment.transfers.first()
    response = client.post(
        reverse("privacy:assessment_row_delete", args=[assessment.pk, "transfer", transfer.pk])
    )
    assert response.status_code == status
    after = (
        list(assessment.actions.values()),
        list(assessment.transfers.values()),
        AuditEvent.objects.count(),
    )
    assert after == before


def test_row_edit_of_another_assessments_row_is_404(request, assessment, buyer_org):
    client = client_for(request, "officer")
    other = services.assessment_start(
        actor=officer(buyer_org, username="annen"),
        organisation=buyer_org,
        assessed_on=ASSESSED_ON,
        service_name="Y",
    )
    row = assessment.actions.get()
    url = reverse("privacy:assessment_row_edit", args=[other.pk, "action", row.pk])
    assert client.get(url).status_code == 404
    assert (
        client.post(
            url, {"description": "X", "owner": "X", "due_on": "2026-07-01", "status": "done"}
        ).status_code
        == 404
    )
    assert (
        client.get(reverse("privacy:assessment_row_edit", args=[assessment.pk, "nope", row.pk])).status_code
        == 404
    )
    delete = reverse("privacy:assessment_row_delete", args=[other.pk, "action", row.pk])
    assert client.post(delete).status_code == 404
    row.refresh_from_db()
    assert row.status == "planned"


def test_officer_edits_a_transfer_row_and_sees_norwegian_errors(request, assessment):
    client = client_for(request, "officer")
    row = assessment.transfers.get(country="US", source="manual")
    url = reverse("privacy:assessment_row_edit", args=[assessment.pk, "transfer", row.pk])
    data = {
        "data_category": row.data_category,
        "recipient": row.recipient,
        "country": "XX",
        "purpose": row.purpose,
        "tool": "scc",
        "edpb_steps_done": "6",
        "residual_risk": "low",
        "review_on": "2026-05-01",
    }
    response = client.post(url, data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Ukjent landkode. Bruk ISO 3166-1 alfa-2, f.eks. NO, IE eller US." in body
    assert "Revisjonsdatoen må være etter vurderingsdatoen." in body
    row.refresh_from_db()
    assert (row.country, row.edpb_steps_done) == ("US", 2)
    assert "den godkjente versjonen er låst" not in body
    response = client.post(url, {**data, "country": "us", "review_on": "2027-01-15"})
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.country, row.edpb_steps_done, row.residual_risk, row.review_on) == (
        "US",
        6,
        "low",
        dt.date(2027, 1, 15),
    )
    assert AuditEvent.objects.order_by("pk").last().verb == "privacy.assessment_transfer_changed"
    detail = client.get(reverse("privacy:assessment_detail", args=[assessment.pk])).content.decode()
    assert reverse("privacy:assessment_row_edit", args=[assessment.pk, "transfer", row.pk]) in detail


@pytest.mark.parametrize(("who", "status"), MATRIX)
def test_risk_edit_matrix_and_denied_posts_change_nothing(request, assessment, who, status):
    url = reverse("privacy:assessment_risk_edit", args=[assessment.pk, "illegitimate_access"])
    client = client_for(request, who)
    assert client.get(url).status_code == status
    if status == 200:
        return
    before = (list(assessment.risks.values()), AuditEvent.objects.count())
    response = client.post(url, {"severity": "1", "likelihood": "1", "measures": "X"})
    assert response.status_code == status
    assert (list(assessment.risks.values()), AuditEvent.objects.count()) == before


def test_officer_changes_a_risk_rating_in_place(request, assessment):
    client = client_for(request, "officer")
    url = reverse("privacy:assessment_risk_edit", args=[assessment.pk, "illegitimate_access"])
    body = client.get(url).content.decode()
    assert "Vurder risiko: Uautorisert tilgang" in body
    before = AuditEvent.objects.count()
    response = client.post(url, {"severity": "9", "likelihood": "2", "measures": "Kryptering"})
    assert response.status_code == 200
    assert AuditEvent.objects.count() == before
    response = client.post(url, {"severity": "4", "likelihood": "2", "measures": "Kryptering"})
    assert response.status_code == 302
    response = client.post(
        url, {"event": "disappearance", "severity": "4", "likelihood": "2", "measures": "Kryptering"}
    )
    assert response.status_code == 302
    rows = dict(assessment.risks.values_list("event", "severity"))
    assert rows["illegitimate_access"] == 4
    assert rows["disappearance"] == 1
    event = AuditEvent.objects.order_by("pk").last()
    assert (event.verb, event.data) == (
        "privacy.assessment_risk_rated",
        {"event": "illegitimate_access", "severity": 4, "likelihood": 2},
    )
    assert (
        client.get(reverse("privacy:assessment_risk_edit", args=[assessment.pk, "nope"])).status_code == 404
    )


@pytest.mark.parametrize(("who", "status"), MATRIX)
def test_json_report_download_matrix(request, assessment, who, status):
    response = client_for(request, who).get(reverse("privacy:assessment_json", args=[assessment.pk]))
    assert response.status_code == status
    if status == 200:
        assert response["Content-Disposition"] == (
            f'attachment; filename="personvernvurdering-{assessment.pk}-v1-arbeidsversjon.json"'
        )
        document = response.json()
        assert (document["title"], document["state"], document["version"]) == (assessment.title, "draft", 1)


def test_json_report_of_a_signed_off_version_is_the_frozen_snapshot(request, assessment, buyer_org):
    client = client_for(request, "officer")
    user = officer(buyer_org, username="godkjenner")
    services.assessment_update(
        actor=user,
        assessment=assessment,
        data=services.AssessmentInput(
            title=assessment.title,
            assessed_on=ASSESSED_ON,
            review_on=None,
            provider_purposes_known=True,
            is_limited_to_instructions=True,
            has_disclosure_clause=True,
            dpo_opinion="OK",
        ),
    )
    services.assessment_submit(actor=user, assessment=assessment)
    services.assessment_sign_off(actor=user, assessment=assessment, accept_residual_risk=True)
    row = assessment.actions.get()
    edit = client.get(reverse("privacy:assessment_row_edit", args=[assessment.pk, "action", row.pk]))
    assert "Lagrer du en endring, blir den et utkast til neste versjon" in edit.content.decode()
    services.assessment_row_update(
        actor=user,
        assessment=assessment,
        kind="action",
        row_id=row.pk,
        data={
            "description": "Ny",
            "owner": row.owner,
            "due_on": row.due_on,
            "status": "done",
            "risk_event": "",
        },
    )
    url = reverse("privacy:assessment_json", args=[assessment.pk])
    frozen = client.get(url, {"versjon": "1"})
    assert (
        frozen["Content-Disposition"] == f'attachment; filename="personvernvurdering-{assessment.pk}-v1.json"'
    )
    assert [a["description"] for a in frozen.json()["actions"]] == [row.description]
    current = client.get(url).json()
    assert (current["version"], [a["description"] for a in current["actions"]]) == (2, ["Ny"])
    assert client.get(url, {"versjon": "7"}).status_code == 404
    assert client.get(url, {"versjon": "x"}).status_code == 404


def test_impossible_dates_get_a_norwegian_error_and_change_nothing(request, assessment):
    client = client_for(request, "officer")
    row = assessment.actions.get()
    before = (list(assessment.actions.values()), AuditEvent.objects.count())
    response = client.post(
        reverse("privacy:assessment_row_edit", args=[assessment.pk, "action", row.pk]),
        {"description": "X", "owner": "Y", "due_on": "2026-02-30", "status": "planned"},
    )
    assert response.status_code == 200
    assert "Oppgi en gyldig dato." in response.content.decode()
    response = client.post(
        reverse("privacy:assessment_edit", args=[assessment.pk]),
        {"title": "T", "assessed_on": "2026-13-01", "dpo_opinion": ""},
    )
    assert "Oppgi en gyldig dato." in response.content.decode()
    assert (list(assessment.actions.values()), AuditEvent.objects.count()) == before
