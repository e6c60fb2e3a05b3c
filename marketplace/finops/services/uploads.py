"""Uploaded cost files: stored under DATA_DIR/finops/uploads/ and queued for `mps worker` (see tasks.py)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from marketplace.accounts.models import Organisation
from marketplace.core.audit import audit_record
from marketplace.finops.models import FocusImport, ImportStatus
from marketplace.finops.storage import data_root

__all__ = ["UploadError", "finops_upload_queue", "upload_path"]

_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


class UploadError(ValueError):
    pass


def upload_path(focus_import: FocusImport) -> Path:
    name = (focus_import.source_names or ["upload"])[0]
    return data_root() / "uploads" / f"import-{focus_import.pk}-{_SAFE.sub('_', name)[-100:]}"


def finops_upload_queue(
    *,
    organisation: Organisation,
    upload: UploadedFile,
    source_format: str,
    user: Any,
    focus_version: str = "",
) -> FocusImport:
    """Store the uploaded file, create a queued import and enqueue the import task after the commit.
    `focus_version` (empty = detect) is kept on the import and passed to the checker by the task."""
    from marketplace.finops.tasks import finops_import_task

    limit = int(settings.MPS_FINOPS_UPLOAD_MAX_BYTES)
    if upload.size is None or upload.size > limit:
        raise UploadError(f"The file is larger than the limit of {limit} bytes")
    if upload.size == 0:
        raise UploadError("The file is empty")
    name = Path(upload.name or "upload").name
    target: Path | None = None
    try:
        with transaction.atomic():
            focus_import = FocusImport.objects.create(
                organisation=organisation,
                created_by=user,
                source_format=source_format,
                source_names=[name],
                focus_version=focus_version,
                status=ImportStatus.QUEUED,
                bytes_total=upload.size,
            )
            target = upload_path(focus_import)
            target.parent.mkdir(parents=True, exist_ok=True)
            with target.open("wb") as fh:
                for chunk in upload.chunks():
                    fh.write(chunk)
            audit_record(
                actor=user,
                verb="finops.upload",
                target=focus_import,
                organisation=organisation,
                data={
                    "file": name,
                    "bytes": upload.size,
                    "source_format": source_format,
                    "focus_version": focus_version,
                },
            )
            import_id = focus_import.pk
            transaction.on_commit(lambda: finops_import_task.enqueue(import_id))
    except BaseException:
        if target is not None:
            target.unlink(missing_ok=True)
        raise
    return focus_import
