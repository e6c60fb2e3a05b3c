"""Expert groups (/innsikt/ekspertgrupper/) and meetings (/innsikt/moter/). Everyone sees groups and meetings;
users acting for a public body apply and register; MPS staff decide applications, plan meetings and upload
slides, and create, edit and delete groups and edit, call off and delete meetings. Member lists and registrations
are shown to MPS staff only."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from marketplace.core import exceptions
from marketplace.insights.forms.knowledge import (
    ApplyForm,
    AttachmentForm,
    DecideForm,
    GroupForm,
    MeetingForm,
    ReasonForm,
)
from marketplace.insights.models import MembershipStatus
from marketplace.insights.permissions import (
    can_apply_expert_group,
    can_manage_expert_groups,
    can_manage_meetings,
    can_register_meeting,
)
from marketplace.insights.selectors import community as selectors
from marketplace.insights.services import community as services
from marketplace.insights.services import knowledge as knowledge_services
from marketplace.insights.views.knowledge_common import attempt, report


@require_GET
def group_list(request: HttpRequest) -> HttpResponse:
    groups = list(selectors.group_list())
    for group in groups:
        group.seats_left = max(group.seats - group.seats_taken, 0)  # type: ignore[attr-defined]
    context = {
        "groups": groups,
        "can_manage": can_manage_expert_groups(request.user),
    }
    return render(request, "insights/community/groups.html", context)


@require_GET
def group_detail(request: HttpRequest, slug: str) -> HttpResponse:
    group = selectors.group_get(slug)
    staff = can_manage_expert_groups(request.user)
    membership = selectors.membership_of(request.user, group)
    active = membership is not None and membership.status in (
        MembershipStatus.PENDING,
        MembershipStatus.APPROVED,
    )
    context = {
        "group": group,
        "seats_left": max(group.seats - group.seats_taken, 0),  # type: ignore[attr-defined]
        "membership": membership,
        "can_apply": can_apply_expert_group(request.user) and group.is_open and not active,
        "apply_form": ApplyForm(),
        "is_staff_view": staff,
        "members": selectors.group_members(group) if staff else [],
        "pending": selectors.group_pending(group) if staff else [],
        "meetings": group.meetings.order_by("-starts_at")[:10],
        "can_delete": staff and not group.memberships.exists() and not group.meetings.exists(),
    }
    return render(request, "insights/community/group_detail.html", context)


@login_required
@require_POST
def group_apply(request: HttpRequest, slug: str) -> HttpResponse:
    group = selectors.group_get(slug)
    if not can_apply_expert_group(request.user):
        raise PermissionDenied(_("Ekspertgruppene er for brukere som handler for en offentlig virksomhet."))
    form = ApplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Motivasjonen kan ha høyst 2000 tegn."))
        return redirect("insights:group", slug=group.slug)
    attempt(
        request,
        lambda: services.group_apply(
            actor=request.user, group=group, motivation=form.cleaned_data["motivation"]
        ),
        _("Søknaden er sendt. MPS behandler den."),
    )
    return redirect("insights:group", slug=group.slug)


@login_required
@require_POST
def group_withdraw(request: HttpRequest, slug: str) -> HttpResponse:
    """Withdraw one's own application, or leave the group."""
    group = selectors.group_get(slug)
    try:
        membership = services.membership_withdraw(actor=request.user, group=group)
    except exceptions.ApplicationError as exc:
        report(request, exc)
    else:
        messages.success(
            request,
            _("Søknaden er trukket.")
            if membership.decided_by_id is None
            else _("Du er meldt ut av gruppen."),
        )
    return redirect("insights:group", slug=group.slug)


@login_required
@require_POST
def membership_decide(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_manage_expert_groups(request.user):
        raise PermissionDenied(_("Bare MPS behandler søknader til ekspertgruppene."))
    membership = selectors.membership_get(pk)
    form = DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Ukjent handling."))
        return redirect("insights:group", slug=membership.group.slug)
    approve = form.cleaned_data["decision"] == "approve"
    attempt(
        request,
        lambda: services.membership_decide(
            actor=request.user, membership=membership, approve=approve, reason=form.cleaned_data["reason"]
        ),
        _("Søknaden er godkjent.") if approve else _("Søknaden er avslått."),
    )
    return redirect("insights:group", slug=membership.group.slug)


def _require_group_manager(request: HttpRequest) -> None:
    if not can_manage_expert_groups(request.user):
        raise PermissionDenied(_("Bare MPS oppretter og endrer ekspertgrupper."))


@login_required
@require_http_methods(["GET", "POST"])
def group_edit(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    """Create a group (no slug) or edit one."""
    _require_group_manager(request)
    group = selectors.group_get(slug) if slug else None
    status = 200
    if request.method == "POST":
        form = GroupForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if group is None:
                    group = services.group_create(
                        actor=request.user, name=data["name"], purpose=data["purpose"], seats=data["seats"],
                        is_open=data["is_open"],
                    )  # fmt: skip
                    messages.success(request, _("Gruppen er opprettet."))
                else:
                    group = services.group_update(
                        actor=request.user, group=group, name=data["name"], purpose=data["purpose"],
                        seats=data["seats"], is_open=data["is_open"],
                    )  # fmt: skip
                    messages.success(request, _("Endringene er lagret."))
            except exceptions.PermissionDenied as exc:
                raise PermissionDenied(exc.message) from None
            except exceptions.ApplicationError as exc:
                form.service_errors(exc.errors, exc.message)
            else:
                return redirect("insights:group", slug=group.slug)
        status = 422
    elif group is not None:
        form = GroupForm(
            initial={
                "name": group.name,
                "purpose": group.purpose,
                "seats": group.seats,
                "is_open": group.is_open,
            }
        )
    else:
        form = GroupForm()
    context = {"form": form, "error_items": form.error_items(), "group": group}
    return render(request, "insights/community/group_form.html", context, status=status)


@login_required
@require_POST
def group_delete(request: HttpRequest, slug: str) -> HttpResponse:
    _require_group_manager(request)
    group = selectors.group_get(slug)
    try:
        services.group_delete(actor=request.user, group=group)
    except exceptions.ApplicationError as exc:
        report(request, exc)
        return redirect("insights:group", slug=group.slug)
    messages.success(request, _("Gruppen %(name)s er slettet.") % {"name": group.name})
    return redirect("insights:groups")


@require_GET
def meeting_list(request: HttpRequest) -> HttpResponse:
    context = {
        "upcoming": selectors.meeting_list(upcoming=True),
        "past": selectors.meeting_list(upcoming=False)[:20],
        "can_manage": can_manage_meetings(request.user),
    }
    return render(request, "insights/community/meetings.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest) -> HttpResponse:
    if not can_manage_meetings(request.user):
        raise PermissionDenied(_("Bare MPS planlegger møter."))
    status = 200
    if request.method == "POST":
        form = MeetingForm(request.POST)
        if form.is_valid():
            starts_at, ends_at = form.times()
            data = form.cleaned_data
            try:
                meeting = services.meeting_create(
                    actor=request.user, title=data["title"], agenda=data["agenda"], starts_at=starts_at,
                    ends_at=ends_at, capacity=data["capacity"], place=data["place"], online_url=data["online_url"],
                    has_waiting_list=data["has_waiting_list"], group=data["group"],
                )  # fmt: skip
            except exceptions.PermissionDenied as exc:
                raise PermissionDenied(exc.message) from None
            except exceptions.ApplicationError as exc:
                form.service_errors(exc.errors, exc.message, fields={"ends_at": "end"})
            else:
                messages.success(request, _("Møtet er opprettet."))
                return redirect("insights:meeting", pk=meeting.pk)
        status = 422
    else:
        form = MeetingForm()
    context = {
        "form": form,
        "error_items": form.error_items(),
    }
    return render(request, "insights/community/meeting_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_manage_meetings(request.user):
        raise PermissionDenied(_("Bare MPS planlegger møter."))
    meeting = selectors.meeting_get(pk)
    if meeting.cancelled_at is not None:
        messages.error(request, _("Møtet er avlyst og kan ikke endres."))
        return redirect("insights:meeting", pk=meeting.pk)
    status = 200
    if request.method == "POST":
        form = MeetingForm(request.POST)
        if form.is_valid():
            starts_at, ends_at = form.times()
            data = form.cleaned_data
            try:
                services.meeting_update(
                    actor=request.user, meeting=meeting, title=data["title"], agenda=data["agenda"],
                    starts_at=starts_at, ends_at=ends_at, capacity=data["capacity"], place=data["place"],
                    online_url=data["online_url"], has_waiting_list=data["has_waiting_list"], group=data["group"],
                )  # fmt: skip
            except exceptions.PermissionDenied as exc:
                raise PermissionDenied(exc.message) from None
            except exceptions.ApplicationError as exc:
                form.service_errors(exc.errors, exc.message, fields={"ends_at": "end"})
            else:
                messages.success(request, _("Endringene er lagret."))
                return redirect("insights:meeting", pk=meeting.pk)
        status = 422
    else:
        form = MeetingForm(initial=MeetingForm.initial_for(meeting))
    context = {"form": form, "error_items": form.error_items(), "meeting": meeting}
    return render(request, "insights/community/meeting_form.html", context, status=status)


@login_required
@require_POST
def meeting_call_off(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_manage_meetings(request.user):
        raise PermissionDenied(_("Bare MPS planlegger møter."))
    meeting = selectors.meeting_get(pk)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else request.POST.get("reason", "")
    attempt(
        request,
        lambda: services.meeting_call_off(actor=request.user, meeting=meeting, reason=reason),
        _("Møtet er avlyst."),
    )
    return redirect("insights:meeting", pk=meeting.pk)


@login_required
@require_POST
def meeting_delete(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_manage_meetings(request.user):
        raise PermissionDenied(_("Bare MPS planlegger møter."))
    meeting = selectors.meeting_get(pk)
    try:
        services.meeting_delete(actor=request.user, meeting=meeting)
    except exceptions.ApplicationError as exc:
        report(request, exc)
        return redirect("insights:meeting", pk=meeting.pk)
    messages.success(request, _("Møtet %(title)s er slettet.") % {"title": meeting.title})
    return redirect("insights:meetings")


@require_GET
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get(pk)
    staff = can_manage_meetings(request.user)
    context = {
        "meeting": meeting,
        "seats_left": max(meeting.capacity - meeting.registered, 0),  # type: ignore[attr-defined]
        "registration": selectors.registration_of(request.user, meeting),
        "can_register": can_register_meeting(request.user) and meeting.cancelled_at is None,
        "is_staff_view": staff,
        "registrations": selectors.registration_list(meeting) if staff else [],
        "slides": meeting.attachments.all(),
        "slides_form": AttachmentForm() if staff else None,
        "can_delete": staff and not meeting.registrations.exists() and not meeting.attachments.exists(),
        "is_upcoming": meeting.starts_at > timezone.now(),
    }
    return render(request, "insights/community/meeting_detail.html", context)


@login_required
@require_POST
def meeting_register(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get(pk)
    if not can_register_meeting(request.user):
        raise PermissionDenied(_("Påmelding er for brukere som handler for en offentlig virksomhet."))
    try:
        registration = services.meeting_register(actor=request.user, meeting=meeting)
    except exceptions.ApplicationError as exc:
        report(request, exc)
    else:
        if registration.status == "waiting":
            messages.success(request, _("Møtet er fullt. Du står på ventelisten."))
        else:
            messages.success(request, _("Du er påmeldt."))
    return redirect("insights:meeting", pk=meeting.pk)


@login_required
@require_POST
def meeting_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get(pk)
    attempt(
        request, lambda: services.meeting_cancel(actor=request.user, meeting=meeting), _("Du er meldt av.")
    )
    return redirect("insights:meeting", pk=meeting.pk)


@login_required
@require_POST
def slides_upload(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_manage_meetings(request.user):
        raise PermissionDenied(_("Bare MPS kan laste opp presentasjoner."))
    meeting = selectors.meeting_get(pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("insights:meeting", pk=meeting.pk)
    try:
        attachment = knowledge_services.slides_add(
            actor=request.user, meeting=meeting, upload=form.cleaned_data["file"]
        )
    except exceptions.ApplicationError as exc:
        report(request, exc)
    else:
        messages.success(request, _("%(name)s er lastet opp.") % {"name": attachment.filename})
    return redirect("insights:meeting", pk=meeting.pk)
