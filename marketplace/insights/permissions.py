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

from marketplace.accounts.permissions import active_organisation, is_mps_staff


def can_view_full_statistics(user: Any) -> bool:
    return is_mps_staff(user)


def acts_for_public_body(user: Any) -> bool:
    organisation = active_organisation(user)
    return bool(getattr(user, "is_authenticated", False)) and bool(getattr(organisation, "is_buyer", False))


# statistics area: the programme board is public; MPS staff edit it and see its history
def can_edit_programmes(user: Any) -> bool:
    return is_mps_staff(user)
