"""`mps cyber <action> ...` (= `manage.py cyber <action>`).

- `mps cyber scan TARGET... [--format text|json]`: scan host names or URLs now, without the database; per target
  the checks with status and points, the category scores, `score` (0-100) and `grade` (A-F). A target that
  resolves to a private, loopback or link-local address is refused (exit code 2) unless MPS_ALLOW_PRIVATE_TARGETS=1.
- `mps cyber tick [--format text|json]`: queue the rescans that are due (MPS_CYBER_RESCAN_DAYS); run it from cron.

Other areas add an action by appending one line to ACTIONS: name -> (help, add_arguments(parser),
run(options, stdout, stderr) -> exit code).
"""

from __future__ import annotations

import argparse
import json
import sys
from argparse import ArgumentParser
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


def _scan_arguments(parser: ArgumentParser) -> None:
    parser.add_argument("targets", nargs="+", metavar="TARGET", help="host name, domain or URL")
    parser.add_argument("--format", choices=["text", "json"], default="text")
    parser.add_argument(
        "--concurrency", type=int, default=None, help="targets at once (default MPS_CYBER_SCAN_CONCURRENCY)"
    )
    parser.add_argument(
        "--target-timeout",
        type=float,
        default=None,
        help="seconds per target for all checks (default MPS_CYBER_TARGET_TIMEOUT)",
    )


def _scan(options: dict[str, Any], stdout: Any, stderr: Any) -> int:
    from marketplace.cyber import scoring
    from marketplace.cyber.scanner import (
        limits_from_settings,
        parse_target,
        refused_targets,
        scan_context_from_settings,
        scan_targets,
    )

    try:
        targets = [parse_target(text) for text in options["targets"]]
    except ValueError as exc:
        raise CommandError(f"Invalid target: {exc}", returncode=2) from None
    context = scan_context_from_settings()
    refused = refused_targets(targets, context)
    if refused:
        lines = [f"Refused {name}: {reason}." for name, reason in refused.items()]
        lines.append(
            "The scanner does not connect to private, loopback or link-local addresses "
            "(set MPS_ALLOW_PRIVATE_TARGETS=1 only for tests and on-premise set-ups)."
        )
        raise CommandError("\n".join(lines), returncode=2)
    concurrency, target_timeout = limits_from_settings()
    scanned = scan_targets(
        targets,
        context,
        concurrency=options.get("concurrency") or concurrency,
        target_timeout=options.get("target_timeout") or target_timeout,
    )
    report = []
    for item in scanned:
        card = scoring.score_results(item.results)
        report.append({**item.as_dict(), **card.as_dict()})
    if options["format"] == "json":
        stdout.write(json.dumps({"targets": report}, ensure_ascii=False, indent=2))
        return 0
    for entry in report:
        score = "-" if entry["score"] is None else entry["score"]
        stdout.write(f"{entry['target']}  score {score}  grade {entry['grade'] or '-'}")
        if entry["refused"]:
            stdout.write(f"  refused: {entry['refused']}")
        width = max([len(c["check_id"]) for c in entry["checks"]] + [5])
        stdout.write(f"  {'check'.ljust(width)}  {'status'.ljust(10)}  {'level'.ljust(13)}  points")
        for check in sorted(entry["checks"], key=lambda c: (c["category"], c["target"], c["check_id"])):
            where = f"  ({check['target']})" if check["target"] != entry["target"] else ""
            stdout.write(
                f"  {check['check_id'].ljust(width)}  {check['status'].ljust(10)}  {check['level'].ljust(13)}"
                f"  {check['points']}/{check['max_points']}{where}"
            )
        categories = ", ".join(f"{name} {value}" for name, value in entry["category_scores"].items())
        stdout.write(f"  categories: {categories or '-'}")
        stdout.write("")
    return 0


def _tick_arguments(parser: ArgumentParser) -> None:
    parser.add_argument("--format", choices=["text", "json"], default="text")


def _tick(options: dict[str, Any], stdout: Any, stderr: Any) -> int:
    from marketplace.cyber.services.scans import scans_schedule_due

    scans = scans_schedule_due()
    if options["format"] == "json":
        stdout.write(
            json.dumps(
                {"scheduled": [{"scan_id": s.pk, "organisation": s.organisation.orgnr} for s in scans]}
            )
        )
    else:
        stdout.write(f"Rescans queued: {len(scans)}.")
    return 0


# action -> (help, add_arguments, run); append one line per action
ACTIONS: dict[
    str, tuple[str, Callable[[ArgumentParser], None], Callable[[dict[str, Any], Any, Any], int]]
] = {
    "scan": (
        "Scan host names or URLs now and print checks, category scores, score and grade.",
        _scan_arguments,
        _scan,
    ),
    "tick": ("Queue the rescans that are due (MPS_CYBER_RESCAN_DAYS).", _tick_arguments, _tick),
}


class Command(BaseCommand):
    help = (
        "CyberX: scan hosts, schedule rescans, import threat intelligence (KEV, STIX) and awareness-training "
        "figures, match alerts."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, parser_class=type(parser))
        for action, (text, add_arguments, _run) in ACTIONS.items():
            action_parser = sub.add_parser(
                action, help=text.replace("%", "%%"), called_from_command_line=True
            )
            add_arguments(action_parser)
        from marketplace.cyber.commands import intel as intel_commands

        intel_commands.register(sub)  # kev-import, stix-import, awareness-import, alerts-match (intel area)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] in ACTIONS:
            _text, _add, run = ACTIONS[options["action"]]
            code = run(options, self.stdout, self.stderr)
        else:
            code = options["func"](argparse.Namespace(**options), self.stdout)
        if code:
            sys.exit(code)
