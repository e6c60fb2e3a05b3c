"""Expert groups (/innsikt/ekspertgrupper/) and meetings (/innsikt/moter/). Everyone sees groups and meetings;
users acting for a public body apply and register; MPS staff decide applications, plan meetings and upload
slides. Member lists and registrations are shown to MPS staff only."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from marketplace.core import exceptions
from marketplace.insights.forms.knowledge import ApplyForm, AttachmentForm, DecideForm, MeetingForm
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
from marketplace.insights.views.knowledge_common import report


@require_GET
def group_list(request: HttpRequest) -> HttpResponse:
    groups = list(selectors.group_list())
    for group in groups:
        group.seats_left = max(group.seats - group.seats_taken, 0)  # type: ignore[attr-defined]
    context = {
        "groups": groups,
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
    try:
        services.group_apply(actor=request.user, group=group, motivation=form.cleaned_data["motivation"])
    except exceptions.ApplicationError as exc:
        report(request, exc)
    else:
        messages.success(request, _("Søknaden er sendt. MPS behandler den."))
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
    try:
        services.membership_decide(
            actor=request.user, membership=membership, approve=approve, reason=form.cleaned_data["reason"]
        )
    except exceptions.ApplicationError as exc:
        report(request, exc)
    else:
        messages.success(request, _("Søknaden er godkjent.") if approve else _("Søknaden er avslått."))
    return redirect("insights:group", slug=membership.group.slug)


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


@require_GET
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get(pk)
    staff = can_manage_meetings(request.user)
    context = {
        "meeting": meeting,
        "seats_left": max(meeting.capacity - meeting.registered, 0),  # type: ignore[attr-defined]
        "registration": selectors.registration_of(request.user, meeting),
        "can_register": can_register_meeting(request.user),
        "is_staff_view": staff,
        "registrations": selectors.registration_list(meeting) if staff else [],
        "slides": meeting.attachments.all(),
        "slides_form": AttachmentForm() if staff else None,
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
    try:
        services.meeting_cancel(actor=request.user, meeting=meeting)
    except exceptions.ApplicationError as exc:
        report(request, exc)
    else:
        messages.success(request, _("Du er meldt av."))
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
