import pytest

from marketplace.accounts.models import Role
from marketplace.core.exceptions import PermissionDenied, ValidationFailed
from marketplace.core.models import AuditEvent
from marketplace.insights.models import Programme, ProgrammePhase, ProgrammeRevision, ProgrammeStatus
from marketplace.insights.services import programmes as services
from marketplace.insights.tests.programme_helpers import NOW, buyer_user, programme, staff_user, supplier_user

pytestmark = pytest.mark.django_db


def update(actor, item, **changes):
    values = {
        "owner": item.owner,
        "status": item.status,
        "current_activities": item.current_activities,
        "next_steps": item.next_steps,
        **changes,
    }
    return services.programme_update(actor=actor, programme=item, now=NOW, **values)


def test_update_keeps_a_revision_and_an_audit_event():
    item = programme()
    actor = staff_user()
    revision = update(actor, item, status=ProgrammeStatus.AHEAD, next_steps="  ITT PMT ")
    item.refresh_from_db()
    assert (item.status, item.next_steps, item.updated_at, item.updated_by) == (
        "ahead",
        "ITT PMT",
        NOW,
        actor,
    )
    assert revision.changes == {"status": ["on_plan", "ahead"], "next_steps": ["Fase 2", "ITT PMT"]}
    assert revision.changed_by == actor
    assert revision.changed_at == NOW
    assert revision.snapshot == {
        "name": "CyberX",
        "owner": "Amina Haugen",
        "status": "ahead",
        "current_activities": "Piloter",
        "next_steps": "ITT PMT",
        "phases": ["Fase 1 synlighet (2023 K4 – 2024 K4)"],
    }
    event = AuditEvent.objects.get(verb="insights.programme_updated")
    assert event.target_id == str(item.pk)
    assert event.data["changes"] == revision.changes
    assert event.actor_id == actor.pk


def test_update_without_changes_stores_nothing():
    item = programme()
    assert update(staff_user(), item) is None
    assert ProgrammeRevision.objects.count() == 0
    assert not AuditEvent.objects.filter(verb__startswith="insights.").exists()


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"owner": "  "}, ["owner"]),
        ({"status": "late"}, ["status"]),
        ({"owner": "", "status": "x"}, ["owner", "status"]),
    ],
)
def test_update_rejects_bad_input_and_stores_nothing(changes, fields):
    item = programme()
    with pytest.raises(ValidationFailed) as caught:
        update(staff_user(), item, **changes)
    assert [error["field"] for error in caught.value.errors] == fields
    item.refresh_from_db()
    assert (item.owner, item.status) == ("Amina Haugen", "on_plan")
    assert ProgrammeRevision.objects.count() == 0


@pytest.mark.parametrize("make_actor", [buyer_user, supplier_user, lambda: None])
def test_only_mps_staff_may_change_the_board(make_actor):
    item = programme()
    actor = make_actor()
    with pytest.raises(PermissionDenied):
        update(actor, item, status=ProgrammeStatus.BEHIND)
    with pytest.raises(PermissionDenied):
        services.programme_phase_save(
            actor=actor,
            programme=item,
            title="X",
            is_milestone=True,
            start_year=2025,
            start_quarter=1,
            end_year=2025,
            end_quarter=1,
        )
    with pytest.raises(PermissionDenied):
        services.programme_phase_delete(actor=actor, programme=item, phase=item.phases.get())
    assert Programme.objects.get().status == "on_plan"
    assert ProgrammePhase.objects.count() == 1
    assert ProgrammeRevision.objects.count() == 0


def test_mps_admin_may_edit_too():
    item = programme()
    update(staff_user(Role.MPS_ADMIN), item, status=ProgrammeStatus.BEHIND)
    assert Programme.objects.get().status == "behind"


def test_add_milestone_ends_in_its_start_quarter():
    item = programme()
    phase = services.programme_phase_save(
        actor=staff_user(),
        programme=item,
        title="Tildeling CRS",
        is_milestone=True,
        start_year=2024,
        start_quarter=2,
        end_year=2030,
        end_quarter=4,
        now=NOW,
    )
    assert (phase.end_year, phase.end_quarter) == (2024, 2)
    revision = ProgrammeRevision.objects.get()
    assert revision.changes == {"phase_added": [None, "Tildeling CRS (2024 K2)"]}
    assert AuditEvent.objects.filter(verb="insights.programme_phase_added").count() == 1


def test_change_and_remove_phase():
    item = programme()
    actor = staff_user()
    phase = item.phases.get()
    services.programme_phase_save(
        actor=actor,
        programme=item,
        phase=phase,
        title="Fase 1 synlighet",
        is_milestone=False,
        start_year=2023,
        start_quarter=4,
        end_year=2025,
        end_quarter=1,
        now=NOW,
    )
    assert ProgrammeRevision.objects.get().changes == {
        "phase_changed": ["Fase 1 synlighet (2023 K4 – 2024 K4)", "Fase 1 synlighet (2023 K4 – 2025 K1)"]
    }
    services.programme_phase_delete(actor=actor, programme=item, phase=phase, now=NOW)
    assert not ProgrammePhase.objects.exists()
    assert ProgrammeRevision.objects.order_by("id").last().changes == {
        "phase_removed": ["Fase 1 synlighet (2023 K4 – 2025 K1)", None]
    }
    assert list(AuditEvent.objects.filter(verb__startswith="insights.").values_list("verb", flat=True)) == [
        "insights.programme_phase_changed",
        "insights.programme_phase_removed",
    ]


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"title": " "}, "title"),
        ({"start_quarter": 5}, "start_quarter"),
        ({"end_quarter": 0}, "end_quarter"),
        ({"start_year": 1999}, "start_year"),
        ({"end_year": 2024, "end_quarter": 1}, "end_year"),  # ends before it starts
    ],
)
def test_bad_phase_stores_nothing(values, field):
    item = programme()
    arguments = {
        "title": "Fase 2",
        "is_milestone": False,
        "start_year": 2024,
        "start_quarter": 4,
        "end_year": 2025,
        "end_quarter": 3,
        **values,
    }
    with pytest.raises(ValidationFailed) as caught:
        services.programme_phase_save(actor=staff_user(), programme=item, **arguments)
    assert field in [error["field"] for error in caught.value.errors]
    assert ProgrammePhase.objects.count() == 1
    assert ProgrammeRevision.objects.count() == 0


def test_phase_of_another_programme_is_refused():
    item = programme()
    other = programme(slug="finops", name="FinOps")
    with pytest.raises(ValidationFailed):
        services.programme_phase_delete(actor=staff_user(), programme=item, phase=other.phases.get())
    assert ProgrammePhase.objects.count() == 2
