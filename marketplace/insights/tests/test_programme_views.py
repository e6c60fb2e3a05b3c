import pytest
from django.urls import reverse

from marketplace.insights.models import Programme, ProgrammePhase, ProgrammeRevision
from marketplace.insights.tests.programme_helpers import programme
from marketplace.insights.tests.test_statistics_views import login

pytestmark = pytest.mark.django_db

BOARD = reverse("insights:programmes")


@pytest.fixture
def item():
    return programme()


def edit_url(item):
    return reverse("insights:programme_edit", args=[item.slug])


@pytest.mark.parametrize("kind", ["anonymous", "buyer", "supplier", "staff"])
def test_board_is_public(client, item, kind):
    login(client, kind)
    response = client.get(BOARD)
    assert response.status_code == 200
    text = response.content.decode()
    assert "CyberX" in text
    assert "I rute" in text
    assert "<svg" in text
    assert "Fase 1 synlighet" in text
    assert "2023 K4 – 2024 K4" in text  # the table of the timeline
    assert (edit_url(item) in text) is (kind == "staff")


@pytest.mark.parametrize(
    ("kind", "status"), [("anonymous", 302), ("buyer", 403), ("supplier", 403), ("staff", 200)]
)
def test_edit_page_matrix(client, item, kind, status):
    login(client, kind)
    assert client.get(edit_url(item)).status_code == status


@pytest.mark.parametrize(("kind", "status"), [("anonymous", 302), ("buyer", 403), ("supplier", 403)])
def test_denied_posts_change_nothing(client, item, kind, status):
    login(client, kind)
    phase = item.phases.get()
    posts = [
        (edit_url(item), {"owner": "X", "status": "behind"}),
        (
            reverse("insights:programme_phase_add", args=[item.slug]),
            {
                "phase-title": "Ny",
                "phase-start_year": 2025,
                "phase-start_quarter": 1,
                "phase-is_milestone": "on",
            },
        ),
        (
            reverse("insights:programme_phase_edit", args=[item.slug, phase.pk]),
            {"title": "Y", "start_year": 2025, "start_quarter": 1, "is_milestone": "on"},
        ),
        (reverse("insights:programme_phase_delete", args=[item.slug, phase.pk]), {}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == status
    item.refresh_from_db()
    assert (item.owner, item.status) == ("Amina Haugen", "on_plan")
    assert list(ProgrammePhase.objects.values_list("title", flat=True)) == ["Fase 1 synlighet"]
    assert ProgrammeRevision.objects.count() == 0


def test_staff_edits_programme_and_sees_history(client, item):
    login(client, "staff")
    response = client.post(
        edit_url(item),
        {
            "owner": "Amina Haugen",
            "status": "ahead",
            "current_activities": "Piloter",
            "next_steps": "ITT PMT",
        },
    )
    assert response.status_code == 302
    assert Programme.objects.get().status == "ahead"
    page = client.get(edit_url(item)).content.decode()
    assert "Endret next_steps, status" in page
    assert "on_plan → ahead" in page


def test_staff_invalid_edit_is_422_and_stores_nothing(client, item):
    login(client, "staff")
    response = client.post(edit_url(item), {"owner": "", "status": "ahead"})
    assert response.status_code == 422
    assert "ds-error-summary" in response.content.decode()
    assert Programme.objects.get().status == "on_plan"


def test_staff_adds_changes_and_removes_phases(client, item):
    login(client, "staff")
    add = reverse("insights:programme_phase_add", args=[item.slug])
    response = client.post(
        add,
        {
            "phase-title": "Tildeling",
            "phase-is_milestone": "on",
            "phase-start_year": 2024,
            "phase-start_quarter": 2,
        },
    )
    assert response.status_code == 302
    added = ProgrammePhase.objects.get(title="Tildeling")
    assert (added.is_milestone, added.start_year, added.start_quarter, added.end_year, added.end_quarter) == (
        True,
        2024,
        2,
        2024,
        2,
    )
    bad = client.post(
        add,
        {
            "phase-title": "Fase 2",
            "phase-start_year": 2025,
            "phase-start_quarter": 3,
            "phase-end_year": 2025,
            "phase-end_quarter": 1,
        },
    )
    assert bad.status_code == 422
    assert "Slutten kan ikke komme før starten." in bad.content.decode()
    missing_end = client.post(
        add, {"phase-title": "Fase 2", "phase-start_year": 2025, "phase-start_quarter": 3}
    )
    assert missing_end.status_code == 422
    edit = reverse("insights:programme_phase_edit", args=[item.slug, added.pk])
    assert client.get(edit).status_code == 200
    response = client.post(
        edit, {"title": "Tildeling CRS", "is_milestone": "on", "start_year": 2024, "start_quarter": 3}
    )
    assert response.status_code == 302
    assert ProgrammePhase.objects.get(pk=added.pk).title == "Tildeling CRS"
    response = client.post(reverse("insights:programme_phase_delete", args=[item.slug, added.pk]))
    assert response.status_code == 302
    assert not ProgrammePhase.objects.filter(pk=added.pk).exists()
    assert ProgrammeRevision.objects.count() == 3


def test_missing_programme_or_phase_is_404(client, item):
    other = programme(slug="finops", name="FinOps")
    login(client, "staff")
    assert client.get(reverse("insights:programme_edit", args=["finnes-ikke"])).status_code == 404
    # a phase of another programme is not found under this one
    url = reverse("insights:programme_phase_edit", args=[item.slug, other.phases.get().pk])
    assert client.get(url).status_code == 404


def test_delete_needs_post(client, item):
    login(client, "staff")
    url = reverse("insights:programme_phase_delete", args=[item.slug, item.phases.get().pk])
    assert client.get(url).status_code == 405
    assert ProgrammePhase.objects.count() == 1
