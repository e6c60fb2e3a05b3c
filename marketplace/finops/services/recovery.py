"""Imports left behind by a worker that stopped while it ran (killed, out of memory, machine restart).

An import is `running` only while `finops_import` works on it; when the process dies the row stays `running` and
the files it had written (never made current: that happens in the final transaction) stay on disk. `mps finops
tick` calls `finops_imports_recover`, which marks every import running for longer than
MPS_FINOPS_IMPORT_STALE_MINUTES as failed (with an audit event) and removes its files that are not current and its
uploaded source file. The data that was current stays current.
"""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from marketplace.core.audit import audit_record
from marketplace.finops.models import BillingPeriodData, FocusImport, ImportStatus
from marketplace.finops.services.uploads import upload_path
from marketplace.finops.storage import data_root

__all__ = ["STALE_MESSAGE", "finops_imports_recover"]

STALE_MESSAGE = (
    "The import stopped before it finished (the worker ended while it ran). Nothing from it was stored; "
    "upload or import the file again."
)


def _unlink(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


def _leftovers(focus_import: FocusImport) -> list[Path]:
    """This import's Parquet files (and temporary files) under its organisation's folder that are not current."""
    folder = data_root() / "focus" / f"org={focus_import.organisation.orgnr}"
    if not folder.exists():
        return []
    name = f"import-{focus_import.pk}.parquet"
    current = set(BillingPeriodData.objects.filter(focus_import=focus_import).values_list("path", flat=True))
    found = [*folder.glob(f"period=*/{name}"), *folder.glob(f"period=*/.{name}.*.tmp")]
    return [p for p in found if str(p.relative_to(data_root())) not in current]


def finops_imports_recover(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Fail the imports that have been running for too long; returns {"recovered": n}."""
    now = now or timezone.now()
    stale_before = now - dt.timedelta(minutes=int(settings.MPS_FINOPS_IMPORT_STALE_MINUTES))
    stale = list(
        FocusImport.objects.select_related("organisation").filter(
            status=ImportStatus.RUNNING, started_at__lt=stale_before
        )
    )
    recovered = 0
    for focus_import in stale:
        with transaction.atomic():
            changed = FocusImport.objects.filter(pk=focus_import.pk, status=ImportStatus.RUNNING).update(
                status=ImportStatus.FAILED, error=STALE_MESSAGE, finished_at=now
            )
            if not changed:  # it finished meanwhile
                continue
            audit_record(
                actor=None,
                verb="finops.import",
                target=focus_import,
                organisation=focus_import.organisation,
                data={
                    "status": ImportStatus.FAILED,
                    "files": list(focus_import.source_names),
                    "source_format": focus_import.source_format,
                    "error": STALE_MESSAGE,
                    "started_at": focus_import.started_at.isoformat() if focus_import.started_at else None,
                },
            )
            leftovers = _leftovers(focus_import)
            upload = upload_path(focus_import)
            transaction.on_commit(functools.partial(_unlink, [*leftovers, upload]))
        recovered += 1
    return {"recovered": recovered}
