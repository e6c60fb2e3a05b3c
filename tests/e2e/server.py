"""A real Markedsplassen server for the browser tests, on its own fresh database.

`E2EServer.start()` creates the database (a SQLite file in a temp dir, or — when DATABASE_URL is set — a
separate PostgreSQL database `<name>_e2e` that is dropped again on stop), runs `compilemessages`, `collectstatic`,
`migrate` and `seed_demo --format json` in subprocesses, then serves the app with `runserver --noreload` on
127.0.0.1 and a free port, and waits until /healthz answers from the expected database.

The server runs the production configuration (`config.settings` with DEBUG=0: argon2, django-axes, CSP,
whitenoise with the hashed manifest storage, secure cookies — Chromium accepts those on 127.0.0.1 — and the
site's own error pages), not the test settings. Only background tasks run immediately instead of in a worker.
MPS_E2E_DEBUG=1 runs it with DEBUG=1 instead; MPS_E2E_KEEP=1 keeps the temp dir (database, server.log).
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

REPO_ROOT = Path(__file__).resolve().parents[2]
MANAGE = REPO_ROOT / "manage.py"
START_TIMEOUT_SECONDS = 60.0
# Settings from the caller's environment that would change what the server under test is.
IGNORED_ENVIRONMENT = {
    "DATABASE_URL",
    "DJANGO_SETTINGS_MODULE",
    "REDIS_URL",
    "SQLITE_PATH",
    "MPS_DATA_DIR",
    "MPS_STATIC_ROOT",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "MPS_SSL_REDIRECT",
    "MPS_BEHIND_PROXY",
    "MPS_OIDC_ENABLED",
    "MPS_TASKS_BACKEND",
}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def e2e_database_url(database_url: str) -> str:
    """The same server and credentials, database `<name>_e2e` (plus the xdist worker id, if any)."""
    parts = urlsplit(database_url)
    name = parts.path.lstrip("/") or "markedsplassen"
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    new_name = f"{name}_e2e" + (f"_{worker}" if worker else "")
    return urlunsplit(parts._replace(path="/" + new_name))


def _pg_admin(database_url: str) -> tuple[str, str]:
    """(conninfo of the maintenance database, name of the target database)."""
    parts = urlsplit(database_url)
    return urlunsplit(parts._replace(path="/postgres")), parts.path.lstrip("/")


def pg_database_recreate(database_url: str) -> None:
    admin, name = _pg_admin(database_url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def pg_database_drop(database_url: str) -> None:
    admin, name = _pg_admin(database_url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@dataclass
class E2EServer:
    """One app server process on a fresh, seeded database."""

    workdir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="mps-e2e-")))
    port: int = 0
    database_url: str = ""
    demo: dict[str, Any] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = None
    seconds_to_start: float = 0.0
    debug: bool = field(default_factory=lambda: os.environ.get("MPS_E2E_DEBUG", "") == "1")
    secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(40))
    offer_master_key: str = field(default_factory=lambda: base64.urlsafe_b64encode(os.urandom(32)).decode())

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.workdir / "server.log"

    @property
    def vendor(self) -> str:
        return "postgresql" if self.database_url else "sqlite"

    def env(self) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if key not in IGNORED_ENVIRONMENT}
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "config.settings",
                "DEBUG": "0",
                "SECRET_KEY": self.secret_key,
                "MPS_OFFER_MASTER_KEY": self.offer_master_key,
                "ALLOWED_HOSTS": "127.0.0.1",
                "PYTHONUNBUFFERED": "1",
                "MPS_DATA_DIR": str(self.workdir),
                "MPS_STATIC_ROOT": str(self.workdir / "static"),
                "SQLITE_PATH": str(self.workdir / "e2e.sqlite3"),
                "MPS_TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
                "LOG_LEVEL": "WARNING",
            }
        )
        if self.debug:
            env["DEBUG"] = "1"
        if self.database_url:
            env["DATABASE_URL"] = self.database_url
        return env

    def manage(self, *args: str, timeout: float = 600) -> str:
        """Run a management command against the e2e database; returns stdout, raises with stderr."""
        completed = subprocess.run(
            [sys.executable, str(MANAGE), *args],
            cwd=REPO_ROOT,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if completed.returncode != 0:
            raise RuntimeError(
                f"manage.py {' '.join(args)} failed ({completed.returncode}):\n{completed.stderr[-4000:]}"
            )
        return completed.stdout

    def start(self) -> None:
        """Prepare and start; on any failure, clean up (process, database, temp dir) and re-raise."""
        try:
            self._start()
        except BaseException:
            self.stop()
            raise

    def _start(self) -> None:
        started = time.monotonic()
        source_url = os.environ.get("DATABASE_URL", "")
        if source_url:
            self.database_url = e2e_database_url(source_url)
            pg_database_recreate(self.database_url)
        self.manage("compilemessages", "--ignore=.venv/*", "--ignore=frontend/*", "-v0")
        if not self.debug:
            self.manage("collectstatic", "--no-input", "-v0")
        self.manage("migrate", "--no-input", "-v0")
        self.demo = json.loads(self.manage("seed_demo", "--format", "json"))
        self.port = free_port()
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, str(MANAGE), "runserver", "--noreload", f"127.0.0.1:{self.port}"],
                cwd=REPO_ROOT,
                env=self.env(),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self._wait_until_healthy()
        self.seconds_to_start = time.monotonic() - started

    def _wait_until_healthy(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        url = self.base_url + "/healthz"
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"e2e server exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback http
                    body = json.loads(response.read())
                    if response.status == 200 and body.get("status") == "ok":
                        if body.get("database") != self.vendor:
                            raise RuntimeError(
                                f"e2e server runs on {body.get('database')}, expected {self.vendor}"
                            )
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError, json.JSONDecodeError):
                pass
            time.sleep(0.2)
        raise RuntimeError(
            f"e2e server did not answer {url} within {START_TIMEOUT_SECONDS:.0f} s:\n{self.log_tail()}"
        )

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except FileNotFoundError:
            return "(no log)"

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None
        if self.database_url:
            pg_database_drop(self.database_url)
        if not os.environ.get("MPS_E2E_KEEP"):
            shutil.rmtree(self.workdir, ignore_errors=True)
