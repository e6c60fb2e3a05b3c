"""Awareness-training reads: one organisation's months, and the MPS overview of every organisation.

Users for an organisation = the users of its latest month (people come and go; months are not summed). Lessons
are summed over the months. Completion rate = completed / sent (cyber-privacy.md §A7)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet

from marketplace.accounts.models import Organisation
from marketplace.cyber.models import AwarenessImport, AwarenessRecord


def rate(completed: int, sent: int) -> float | None:
    return completed / sent if sent else None


@dataclass
class AwarenessTotals:
    organisation: Organisation | None
    users: int
    lessons_sent: int
    lessons_completed: int
    first_period: dt.date | None
    last_period: dt.date | None
    months: int

    @property
    def completion_rate(self) -> float | None:
        return rate(self.lessons_completed, self.lessons_sent)

    @property
    def lessons_per_user(self) -> float | None:
        return self.lessons_sent / self.users if self.users else None


def awareness_records(organisation: Organisation) -> QuerySet[AwarenessRecord]:
    return AwarenessRecord.objects.filter(organisation=organisation).order_by("period")


def awareness_imports(organisation: Organisation) -> QuerySet[AwarenessImport]:
    return AwarenessImport.objects.filter(organisation=organisation).select_related("imported_by")


def _totals(organisation: Organisation | None, records: list[AwarenessRecord]) -> AwarenessTotals:
    records = sorted(records, key=lambda record: record.period)
    return AwarenessTotals(
        organisation=organisation,
        users=records[-1].users if records else 0,
        lessons_sent=sum(record.lessons_sent for record in records),
        lessons_completed=sum(record.lessons_completed for record in records),
        first_period=records[0].period if records else None,
        last_period=records[-1].period if records else None,
        months=len(records),
    )


def awareness_totals(organisation: Organisation) -> AwarenessTotals:
    return _totals(organisation, list(awareness_records(organisation)))


@dataclass
class AwarenessOverview:
    rows: list[AwarenessTotals]
    total: AwarenessTotals
    by_period: list[AwarenessTotals]  # all organisations per month (users summed within a month)


def awareness_overview() -> AwarenessOverview:
    """Every organisation with training figures (MPS view), the grand total and the programme per month."""
    by_org: dict[int, list[AwarenessRecord]] = {}
    organisations: dict[int, Organisation] = {}
    by_period: dict[dt.date, list[AwarenessRecord]] = {}
    for record in AwarenessRecord.objects.select_related("organisation").order_by(
        "organisation__name", "period"
    ):
        by_org.setdefault(record.organisation_id, []).append(record)
        organisations[record.organisation_id] = record.organisation
        by_period.setdefault(record.period, []).append(record)
    rows = [_totals(organisations[pk], records) for pk, records in by_org.items()]
    rows.sort(key=lambda row: row.organisation.name if row.organisation else "")
    total = AwarenessTotals(
        organisation=None,
        users=sum(row.users for row in rows),
        lessons_sent=sum(row.lessons_sent for row in rows),
        lessons_completed=sum(row.lessons_completed for row in rows),
        first_period=min((row.first_period for row in rows if row.first_period), default=None),
        last_period=max((row.last_period for row in rows if row.last_period), default=None),
        months=len(by_period),
    )
    months = [
        AwarenessTotals(
            organisation=None,
            users=sum(record.users for record in records),
            lessons_sent=sum(record.lessons_sent for record in records),
            lessons_completed=sum(record.lessons_completed for record in records),
            first_period=period,
            last_period=period,
            months=1,
        )
        for period, records in sorted(by_period.items())
    ]
    return AwarenessOverview(rows=rows, total=total, by_period=months)


def awareness_score(organisation: Organisation, *, today: dt.date, months: int = 12) -> int | None:
    """0–100 for the Cyber Risk Score's awareness category: 100 × lessons completed / sent over the last `months`
    months up to `today` (cyber-privacy.md §A7); None when nothing was sent in that window."""
    first = dt.date(today.year, today.month, 1)
    for _ in range(months - 1):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    records = awareness_records(organisation).filter(period__gte=first, period__lte=today)
    sent = sum(record.lessons_sent for record in records)
    completed = sum(record.lessons_completed for record in records)
    return round(100 * completed / sent) if sent else None
