"""A fresh checkout has no var/ (git ignores it): the default SQLite database must still open there.

`make demo` on a new machine runs `mps demo` with no DATABASE_URL and no SQLITE_PATH, so the database file is
MPS_DATA_DIR/db.sqlite3 (var/db.sqlite3 by default) in a folder that does not exist yet.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

OPEN_DB = (
    "import django; django.setup()\n"
    "from django.db import connection\n"
    "with connection.cursor() as cursor:\n"
    "    cursor.execute('SELECT 1')\n"
    "print(connection.settings_dict['NAME'])\n"
)


def test_default_sqlite_database_opens_in_a_data_folder_that_does_not_exist(tmp_path):
    data_dir = tmp_path / "new" / "var"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "SQLITE_PATH", "DJANGO_SETTINGS_MODULE"}
    }
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings", "MPS_DATA_DIR": str(data_dir), "DEBUG": "1"})
    assert not data_dir.exists()
    done = subprocess.run(
        [sys.executable, "-c", OPEN_DB], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(data_dir / "db.sqlite3")
    assert (data_dir / "db.sqlite3").is_file()
