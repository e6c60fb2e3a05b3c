"""Security-awareness training records: `awareness_import` reads one organisation's CSV (period YYYY-MM, users,
lessons_sent, lessons_completed; comma or semicolon separated, header required, any column order), checks every
line first (errors name line and column) and then replaces the months it contains, all in one transaction.
Completion rate = lessons completed / lessons sent (cyber-privacy.md §A7).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.accounts.models import Organisation
from marketplace.core.audit import audit_record
from marketplace.core.exceptions import PermissionDenied, ValidationFailed
from marketplace.cyber.models import AwarenessImport, AwarenessRecord
from marketplace.cyber.permissions import can_manage_cyber
from marketplace.cyber.services.intel import FileInput, read_input

COLUMNS = ("period", "users", "lessons_sent", "lessons_completed")
_PERIOD = re.compile(r"^(\d{4})-(\d{2})$")
MAX_COUNT = 10_000_000


@dataclass(frozen=True)
class AwarenessRow:
    line: int
    period: dt.date
    users: int
    lessons_sent: int
    lessons_completed: int


def _error(line: int, column: str, message: str) -> dict[str, str]:
    return {
        "field": f"line {line}, {column}" if column else f"line {line}",
        "message": _("Linje %(line)s, kolonne %(column)s: %(message)s")
        % {"line": line, "column": column, "message": message}
        if column
        else _("Linje %(line)s: %(message)s") % {"line": line, "message": message},
    }


def awareness_parse(text: str) -> tuple[list[AwarenessRow], list[dict[str, str]]]:
    """Rows and every error (line numbers count the header as line 1)."""
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        return [], [
            _error(
                1,
                "",
                _("filen er tom; første linje skal være overskriftene %(columns)s.")
                % {"columns": ", ".join(COLUMNS)},
            )
        ]
    delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records: list[tuple[int, list[str]]] = []
    try:
        for values in reader:
            records.append((reader.line_num, values))
    except csv.Error as exc:
        return [], [_error(reader.line_num, "", _("kan ikke leses som CSV (%(error)s).") % {"error": exc})]
    header = [name.strip().casefold() for name in records[0][1]] if records else []
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        return [], [_error(1, name, _("kolonnen mangler i overskriftene.")) for name in missing]
    position = {name: header.index(name) for name in COLUMNS}
    rows: list[AwarenessRow] = []
    errors: list[dict[str, str]] = []
    seen: dict[dt.date, int] = {}
    for line, values in records[1:]:
        if not any(value.strip() for value in values):
            continue
        if len(values) != len(header):
            errors.append(
                _error(
                    line,
                    "",
                    _("har %(n)s felt, overskriften har %(m)s.") % {"n": len(values), "m": len(header)},
                )
            )
            continue
        cell = {name: values[position[name]].strip() for name in COLUMNS}
        period: dt.date | None = None
        match = _PERIOD.match(cell["period"])
        if match and 1 <= int(match.group(2)) <= 12:
            period = dt.date(int(match.group(1)), int(match.group(2)), 1)
        else:
            errors.append(
                _error(
                    line, "period", _("«%(value)s» er ikke en måned (ÅÅÅÅ-MM).") % {"value": cell["period"]}
                )
            )
        numbers: dict[str, int] = {}
        for name in ("users", "lessons_sent", "lessons_completed"):
            value = cell[name].replace(" ", "").replace("\u00a0", "")
            if not value.isdigit() or int(value) > MAX_COUNT:
                errors.append(
                    _error(
                        line,
                        name,
                        _("«%(value)s» er ikke et helt tall fra 0 og oppover.") % {"value": cell[name]},
                    )
                )
            else:
                numbers[name] = int(value)
        if len(numbers) == 3 and numbers["lessons_completed"] > numbers["lessons_sent"]:
            errors.append(
                _error(
                    line,
                    "lessons_completed",
                    _("flere fullførte (%(done)s) enn sendte leksjoner (%(sent)s).")
                    % {"done": numbers["lessons_completed"], "sent": numbers["lessons_sent"]},
                )
            )
            continue
        if period is not None and period in seen:
            errors.append(
                _error(
                    line,
                    "period",
                    _("måneden %(period)s står også på linje %(first)s.")
                    % {"period": cell["period"], "first": seen[period]},
                )
            )
            continue
        if period is not None and len(numbers) == 3:
            seen[period] = line
            rows.append(AwarenessRow(line=line, period=period, **numbers))
    if not rows and not errors:
        errors.append(_error(2, "", _("filen har ingen rader med tall.")))
    return rows, errors


def awareness_import(
    *,
    actor: Any,
    organisation: Organisation,
    file: FileInput,
    filename: str = "",
    now: dt.datetime | None = None,
) -> AwarenessImport:
    """Store the organisation's training figures per month; a month already stored is replaced."""
    if actor is not None and not can_manage_cyber(actor, organisation):
        raise PermissionDenied(_("Du har ikke tilgang til opplæringstallene til denne virksomheten."))
    raw, name = read_input(file)
    filename = filename or name
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        message = _("Filen er ikke UTF-8-kodet tekst.")
        raise ValidationFailed(message, errors=[{"field": "file", "message": message}]) from None
    rows, errors = awareness_parse(text)
    if errors:
        raise ValidationFailed(
            _("Filen %(file)s ble ikke importert: %(n)s feil.") % {"file": filename, "n": len(errors)},
            errors=errors,
        )
    now = now or timezone.now()
    with transaction.atomic():
        record_import = AwarenessImport.objects.create(
            organisation=organisation,
            filename=filename[:255],
            sha256=hashlib.sha256(raw).hexdigest(),
            rows=len(rows),
            periods=[f"{row.period:%Y-%m}" for row in rows],
            imported_at=now,
            imported_by=actor,
        )
        replaced = set(
            AwarenessRecord.objects.filter(
                organisation=organisation, period__in=[row.period for row in rows]
            ).values_list("period", flat=True)
        )
        for row in rows:
            AwarenessRecord.objects.update_or_create(
                organisation=organisation,
                period=row.period,
                defaults={
                    "users": row.users,
                    "lessons_sent": row.lessons_sent,
                    "lessons_completed": row.lessons_completed,
                    "source_import": record_import,
                },
            )
        audit_record(
            actor=actor,
            verb="cyber.awareness.imported",
            target=record_import,
            organisation=organisation,
            data={
                "file": filename,
                "rows": len(rows),
                "periods": record_import.periods,
                "replaced": sorted(f"{period:%Y-%m}" for period in replaced),
            },
            now=now,
        )
    return record_import
