"""Anonymised figures other apps read (insights' goal measures). Never an organisation's name or its own data.

Each area appends its functions: privacy_coverage() (assessments area), terms_balance() (terms area).
"""

from __future__ import annotations
