"""Who sees and changes insights data.

- Public statistics (aggregates only, nothing that identifies an organisation's bids), the programme board, the
  market analysis of published procurement notices and published knowledge-base articles: everyone.
- The fuller statistics view, editing the programme board, importing notices, writing articles, moderating the
  forum, managing expert groups, meetings and the annual survey: MPS staff.
- Skyforum questions and answers, registering for meetings, answering the survey: signed-in users acting for a
  public body (buyer organisation); survey answers per organisation by its org admin.
Each area appends its predicates below.
"""

from __future__ import annotations

from typing import Any

from marketplace.accounts.models import Role
from marketplace.accounts.permissions import active_organisation, acts_for, has_role, is_mps_staff


def can_view_full_statistics(user: Any) -> bool:
    return is_mps_staff(user)


def acts_for_public_body(user: Any) -> bool:
    organisation = active_organisation(user)
    return bool(getattr(user, "is_authenticated", False)) and bool(getattr(organisation, "is_buyer", False))


# --- notices area: the market analysis is public; importing notices is for MPS staff -------------------------------


def can_view_notices(user: Any) -> bool:
    return True


def can_import_notices(user: Any) -> bool:
    return is_mps_staff(user)


# --- knowledge area: knowledge base, Skyforum, expert groups, meetings, annual survey ---------------------------
#
# - Knowledge base: published articles and their attachments are public; drafts, writing and uploads: MPS staff.
# - Skyforum: read and write for users acting for a public body, and MPS staff. Suppliers do not see the forum: it is
#   where public bodies compare notes on suppliers and procurements, so supplier users are kept out (decision).
#   MPS staff moderate (hide/restore with reason, lock); the asker or MPS staff mark the accepted answer. The asker
#   edits an open thread and deletes it while unanswered; MPS staff edit and delete any thread.
# - Expert groups: everyone sees the groups; users acting for a public body apply; MPS staff approve/reject and
#   create, edit and delete groups.
# - Meetings: everyone sees them; public bodies (and MPS staff) register; MPS staff plan, edit, call off and delete
#   them and upload slides; slides are downloadable by everyone once uploaded.
# - Annual survey: the org admin of a public body answers for the organisation; aggregated results are public, free
#   text answers are shown to MPS staff only; MPS staff define surveys and questions.


def can_view_article(user: Any, article: Any) -> bool:
    return bool(getattr(article, "is_published", False)) or is_mps_staff(user)


def can_edit_articles(user: Any) -> bool:
    return is_mps_staff(user)


def can_use_forum(user: Any) -> bool:
    """Read, ask and answer in Skyforum."""
    return acts_for_public_body(user) or is_mps_staff(user)


def can_moderate_forum(user: Any) -> bool:
    return is_mps_staff(user)


def can_answer_question(user: Any, question: Any) -> bool:
    return can_use_forum(user) and not question.is_locked and not question.is_hidden


def can_edit_question(user: Any, question: Any) -> bool:
    """MPS staff, or the asker (still acting for a public body) while the thread is neither locked nor hidden."""
    if is_mps_staff(user):
        return True
    return (
        can_use_forum(user)
        and question.author_id == getattr(user, "pk", None)
        and not question.is_locked
        and not question.is_hidden
    )


def can_delete_question(user: Any, question: Any, *, answers: int) -> bool:
    """MPS staff (with a reason), or the asker while nobody has answered (answers are others' work)."""
    return is_mps_staff(user) or (can_edit_question(user, question) and answers == 0)


def can_accept_answer(user: Any, question: Any) -> bool:
    if is_mps_staff(user):
        return True
    return can_use_forum(user) and question.author_id == getattr(user, "pk", None) and not question.is_locked


def can_apply_expert_group(user: Any) -> bool:
    return acts_for_public_body(user)


def can_manage_expert_groups(user: Any) -> bool:
    return is_mps_staff(user)


def can_register_meeting(user: Any) -> bool:
    return acts_for_public_body(user) or is_mps_staff(user)


def can_manage_meetings(user: Any) -> bool:
    return is_mps_staff(user)


def can_answer_survey(user: Any, organisation: Any) -> bool:
    return acts_for_public_body(user) and acts_for(user, organisation) and has_role(user, Role.ORG_ADMIN)


def can_manage_survey(user: Any) -> bool:
    return is_mps_staff(user)


def can_view_survey_free_text(user: Any) -> bool:
    return is_mps_staff(user)


# statistics area: the programme board is public; MPS staff edit it and see its history
def can_edit_programmes(user: Any) -> bool:
    return is_mps_staff(user)
