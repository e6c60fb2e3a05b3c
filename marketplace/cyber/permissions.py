"""Who sees and changes CyberX data.

- An organisation's assets, scans, scores and alerts: its members acting with the security-officer or org-admin role,
  and MPS staff (category manager, MPS admin), who see every organisation.
- Changing an organisation's assets or starting its scans, importing its training records: security officer or org
  admin of that organisation; MPS staff may also start scans.
- Threat-intelligence feeds (KEV, STIX) are imported by MPS staff; a vulnerability page with affected organisations
  is for MPS staff; each organisation sees its own alerts.
- A supplier's Cyber Risk Score (its own assets) is visible to every signed-in buyer on the catalogue pages; the
  methodology page is public.
"""

from __future__ import annotations

from typing import Any

from marketplace.accounts.models import Role
from marketplace.accounts.permissions import acts_for, has_role, is_mps_staff

CYBER_ROLES = (Role.SECURITY_OFFICER, Role.ORG_ADMIN)


def can_view_cyber(user: Any, organisation: Any) -> bool:
    return is_mps_staff(user) or (acts_for(user, organisation) and has_role(user, *CYBER_ROLES))


def can_manage_cyber(user: Any, organisation: Any) -> bool:
    return acts_for(user, organisation) and has_role(user, *CYBER_ROLES)


def can_scan_cyber(user: Any, organisation: Any) -> bool:
    return is_mps_staff(user) or can_manage_cyber(user, organisation)


def can_manage_threat_intel(user: Any) -> bool:
    return is_mps_staff(user)


def can_view_supplier_score(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))
