"""`mps ocds export [--output DIR|-] [--format text|json]`: OCDS release packages of all public call-offs.

--output DIR writes one file per call-off, `<ocid>.json` (a release package with one release, the same document as
`GET /api/v1/calloffs/{id}/ocds`), and prints a summary. --output - (the default) writes ONE release package with
the releases of all public call-offs to stdout (the summary then goes to stderr, so stdout stays valid JSON).
Every package is validated against the OCDS 1.1 schema before anything is written; an invalid one stops the export.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from marketplace.calloffs.ocds import (
    calloff_ocid,
    release_package,
    release_package_errors,
    release_package_many,
)
from marketplace.calloffs.selectors.ocds import calloff_public_list


def _dump(package: dict[str, Any]) -> str:
    return json.dumps(package, ensure_ascii=False, indent=2) + "\n"


class Command(BaseCommand):
    help = "Open data (OCDS 1.1). `mps ocds export` writes release packages of all public call-offs."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["export"])
        parser.add_argument(
            "--output",
            default="-",
            help="Folder for one <ocid>.json per call-off, or - for one package with all releases on stdout.",
        )
        parser.add_argument(
            "--format", choices=["text", "json"], default="text", help="Format of the summary."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        calloffs = list(calloff_public_list())
        output = options["output"]
        written: list[str] = []
        if output == "-":
            if not calloffs:  # a package needs at least one release: write nothing
                self._summary(self.stderr, options["format"], calloffs=0, output="-", files=[])
                return
            package = release_package_many(calloffs, now=now)
            self._check(package, "-")
            self.stdout.write(_dump(package), ending="")
            self._summary(self.stderr, options["format"], calloffs=len(calloffs), output="-", files=[])
            return
        folder = Path(output)
        packages = []
        for calloff in calloffs:
            package = release_package(calloff, now=now)
            self._check(package, calloff.reference)
            packages.append((f"{calloff_ocid(calloff)}.json", package))
        folder.mkdir(parents=True, exist_ok=True)
        for name, package in packages:
            (folder / name).write_text(_dump(package), encoding="utf-8")
            written.append(name)
        self._summary(
            self.stdout, options["format"], calloffs=len(calloffs), output=str(folder), files=written
        )

    def _check(self, package: dict[str, Any], label: str) -> None:
        errors = release_package_errors(package)
        if errors:
            raise CommandError(f"{label}: the package does not pass the OCDS schema: {'; '.join(errors[:5])}")

    def _summary(self, stream: Any, fmt: str, *, calloffs: int, output: str, files: list[str]) -> None:
        if fmt == "json":
            stream.write(
                json.dumps({"calloffs": calloffs, "output": output, "files": files}, ensure_ascii=False)
            )
        else:
            stream.write(f"OCDS: {calloffs} public call-offs exported to {output}.")
