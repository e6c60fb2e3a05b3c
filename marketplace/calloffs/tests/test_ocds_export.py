"""`mps ocds export`: all public call-offs, one file each or one package on stdout."""

from __future__ import annotations

import json
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from marketplace.calloffs.ocds import release_package_errors
from marketplace.calloffs.rules.state import CallOffState
from marketplace.calloffs.tests import ocds_stages as s
from marketplace.catalogue.models import Mechanism

pytestmark = pytest.mark.django_db

NOW = s.STAGES[CallOffState.CONTRACTED][1]


@pytest.fixture
def calloffs():
    w = s.world()
    s.calloff_at(w, Mechanism.MINI_COMPETITION, CallOffState.TENDERING, reference="AV-2026-0001")
    s.calloff_at(w, Mechanism.DIRECT, CallOffState.CONTRACTED, reference="AV-2026-0002")
    s.calloff_at(w, Mechanism.DESK, CallOffState.AWARD_DECIDED, reference="AV-2026-0003")  # not public
    s.calloff_at(w, Mechanism.MINI_COMPETITION, CallOffState.DRAFT, reference="AV-2026-0004")  # not public
    s.calloff_at(w, Mechanism.MINI_COMPETITION, CallOffState.CANCELLED, reference="AV-2026-0005")


def _run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("ocds", "export", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_export_to_a_folder_writes_one_package_per_public_calloff(calloffs, tmp_path):
    out, _ = _run("--output", str(tmp_path / "ocds"), "--format", "json")
    files = [
        "ocds-mps000-AV-2026-0001.json",
        "ocds-mps000-AV-2026-0002.json",
        "ocds-mps000-AV-2026-0005.json",
    ]
    assert json.loads(out) == {"calloffs": 3, "output": str(tmp_path / "ocds"), "files": files}
    assert sorted(p.name for p in (tmp_path / "ocds").iterdir()) == files
    for name in files:
        package = json.loads((tmp_path / "ocds" / name).read_text(encoding="utf-8"))
        assert release_package_errors(package) == []
        assert [r["ocid"] for r in package["releases"]] == [name.removesuffix(".json")]


def test_export_to_stdout_writes_one_package_with_all_releases(calloffs):
    out, err = _run("--output", "-")
    package = json.loads(out)
    assert release_package_errors(package) == []
    assert package["uri"] == "http://127.0.0.1:8000/api/v1/calloffs/ocds"
    assert [r["ocid"] for r in package["releases"]] == [
        "ocds-mps000-AV-2026-0001",
        "ocds-mps000-AV-2026-0002",
        "ocds-mps000-AV-2026-0005",
    ]
    assert [r["tag"] for r in package["releases"]] == [["tender"], ["contract"], ["tenderCancellation"]]
    assert package["publishedDate"] == "2026-04-01T08:00:00Z"
    assert err == "OCDS: 3 public call-offs exported to -.\n"


def test_export_with_nothing_public_writes_nothing(db):
    out, err = _run()
    assert out == ""
    assert err == "OCDS: 0 public call-offs exported to -.\n"
