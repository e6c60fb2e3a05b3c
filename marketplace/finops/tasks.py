"""Background work for FinOps imports (django-tasks; `mps worker` runs the database backend, tests the immediate one).

`finops_import_task(import_id)`: run a queued upload's import. Thin and idempotent: an import that is no longer
queued (already run, or running) is left alone.
"""

from __future__ import annotations

from typing import Any

from django_tasks import task

from marketplace.finops.models import FocusImport, ImportStatus
from marketplace.finops.services.ingest import finops_import
from marketplace.finops.services.uploads import upload_path


@task()
def finops_import_task(import_id: int) -> dict[str, Any]:
    focus_import = (
        FocusImport.objects.select_related("organisation", "created_by").filter(pk=import_id).first()
    )
    if focus_import is None or focus_import.status != ImportStatus.QUEUED:
        return {"import_id": import_id, "skipped": True}
    path = upload_path(focus_import)
    try:
        finops_import(
            organisation=focus_import.organisation,
            paths=[path],
            source_format=focus_import.source_format,
            focus_version=focus_import.focus_version or None,
            user=focus_import.created_by,
            focus_import=focus_import,
        )
    finally:
        path.unlink(missing_ok=True)
    return {"import_id": import_id, "status": focus_import.status, "rows_loaded": focus_import.rows_loaded}
