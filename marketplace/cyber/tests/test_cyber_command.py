"""`mps cyber scan` (no database: hosts or URLs scanned directly; JSON and text output; private targets refused with
a clear message and a non-zero exit) and `mps cyber tick` (queue due rescans)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from marketplace.cyber.models import Asset, Scan
from marketplace.cyber.tests import echo_family

echo_server = echo_family.echo_server  # the loopback family's fixture
offline = echo_family.offline
pytestmark = pytest.mark.usefixtures("offline")
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def loopback(settings):
    settings.MPS_ALLOW_PRIVATE_TARGETS = True
    settings.MPS_CYBER_RESOLVE = {"www.nve.no": "127.0.0.1", "nve.no": "127.0.0.1"}
    settings.MPS_CYBER_TIMEOUT = 2.0
    return settings


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("cyber", *args, stdout=out)
    return out.getvalue()


def test_scan_json_shape(loopback, echo_server):
    echo_server.scores["www.nve.no"] = 5
    report = json.loads(run("scan", "https://WWW.nve.no/", "nve.no", "--format", "json"))
    assert list(report) == ["targets"]
    www, apex = report["targets"]
    assert set(www) == {
        "target",
        "refused",
        "resolved",
        "elapsed_s",
        "checks",
        "category_scores",
        "score",
        "grade",
        "deductions",
    }
    assert www["target"] == "www.nve.no"
    assert www["refused"] == ""
    assert www["resolved"] == {"A": ["127.0.0.1"], "AAAA": [], "MX": [], "NS": []}
    assert isinstance(www["elapsed_s"], float)
    assert www["checks"] == [
        {
            "check_id": "echo.reachable",
            "category": "network",
            "status": "pass",
            "level": "required",
            "points": 10,
            "max_points": 10,
            "evidence": {},
            "target": "www.nve.no",
        },
        {
            "check_id": "echo.reply",
            "category": "web_headers",
            "status": "fail",
            "level": "required",
            "points": 5,
            "max_points": 10,
            "evidence": {"reply": "5 echo/1.0"},
            "target": "www.nve.no",
        },
        {
            "check_id": "echo.banner",
            "category": "disclosure",
            "status": "info",
            "level": "informational",
            "points": 0,
            "max_points": 10,
            "evidence": {"banner": "echo/1.0"},
            "target": "www.nve.no",
        },
    ]
    # network 100 (weight 5), web_headers 50 (weight 10): 1000 / 15 = 66.67 → 66
    assert (www["category_scores"], www["score"], www["grade"]) == (
        {"network": 100, "web_headers": 50},
        66,
        "D",
    )
    assert www["deductions"] == [
        {
            "check_id": "echo.reply",
            "category": "web_headers",
            "target": "www.nve.no",
            "status": "fail",
            "points": 5,
            "max_points": 10,
            "points_lost": 5,
            "impact": 33.33,
            "category_impact": 50.0,
            "evidence": {"reply": "5 echo/1.0"},
        }
    ]
    assert (apex["target"], apex["score"], apex["grade"], apex["deductions"]) == ("nve.no", 100, "A", [])


def test_scan_text(loopback, echo_server):
    echo_server.scores["www.nve.no"] = 2
    lines = run("scan", "www.nve.no").splitlines()
    assert lines == [
        "www.nve.no  score 46  grade F",  # (5·100 + 10·20) / 15 = 46.67
        "  check           status      level          points",
        "  echo.banner     info        informational  0/10",
        "  echo.reachable  pass        required       10/10",
        "  echo.reply      fail        required       2/10",
        "  categories: network 100, web_headers 20",
        "",
    ]


def test_private_target_is_refused_with_a_clear_message(settings, echo_server):
    settings.MPS_ALLOW_PRIVATE_TARGETS = False
    settings.MPS_CYBER_RESOLVE = {"intranett.nve.no": "10.20.30.40", "www.nve.no": "127.0.0.1"}
    with pytest.raises(CommandError) as caught:
        run("scan", "intranett.nve.no", "https://www.nve.no:8443/", "--format", "json")
    assert caught.value.returncode == 2
    assert str(caught.value) == (
        "Refused intranett.nve.no: intranett.nve.no resolves to non-public address 10.20.30.40.\n"
        "Refused www.nve.no: www.nve.no resolves to non-public address 127.0.0.1.\n"
        "The scanner does not connect to private, loopback or link-local addresses "
        "(set MPS_ALLOW_PRIVATE_TARGETS=1 only for tests and on-premise set-ups)."
    )
    assert echo_server.seen == []


def test_mps_cyber_scan_refuses_loopback_from_the_command_line(tmp_path):
    """The real `mps` entry point, with the default settings and no database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MPS_", "DJANGO_", "DATABASE_URL"))}
    env["MPS_DATA_DIR"] = str(tmp_path)
    completed = subprocess.run(
        [sys.executable, "-m", "config.cli", "cyber", "scan", "http://127.0.0.1:8000/"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 2
    assert completed.stdout == ""
    assert "Refused 127.0.0.1: 127.0.0.1 resolves to non-public address 127.0.0.1." in completed.stderr
    assert "MPS_ALLOW_PRIVATE_TARGETS=1" in completed.stderr


@pytest.mark.django_db
def test_tick_queues_due_rescans(buyer_org, django_capture_on_commit_callbacks):
    Asset.objects.create(organisation=buyer_org, name="nve.no")
    with django_capture_on_commit_callbacks(execute=False):
        report = json.loads(run("tick", "--format", "json"))
    scan = Scan.objects.get()
    assert report == {"scheduled": [{"scan_id": scan.pk, "organisation": buyer_org.orgnr}]}
    with django_capture_on_commit_callbacks(execute=False):
        assert run("tick") == "Rescans queued: 0.\n"
