"""`mps finops --help` lists every action (help texts with % must not break argparse)."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from marketplace.finops.management.commands.finops import ACTIONS


def test_help_lists_every_action(capsys):
    with pytest.raises(SystemExit) as exit_info:
        call_command("finops", "--help")
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert all(action in out for action in ACTIONS)
