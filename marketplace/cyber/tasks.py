"""Background work for CyberX scans (django-tasks; `mps worker` runs the database backend, tests the immediate one).

- `cyber_scan_task(scan_id)`: run a queued scan. Idempotent: a scan that is no longer queued is left alone.
- `cyber_schedule_task()`: queue the rescans that are due (`mps cyber tick` does the same from cron).
"""

from __future__ import annotations

from typing import Any

from django_tasks import task

from marketplace.cyber.services.scans import scan_run, scans_schedule_due


@task()
def cyber_scan_task(scan_id: int) -> dict[str, Any]:
    scan = scan_run(scan_id)
    if scan is None:
        return {"scan_id": scan_id, "skipped": True}
    return {"scan_id": scan_id, "status": scan.status, "score": scan.score, "grade": scan.grade}


@task()
def cyber_schedule_task() -> dict[str, Any]:
    return {"scheduled": [scan.pk for scan in scans_schedule_due()]}
