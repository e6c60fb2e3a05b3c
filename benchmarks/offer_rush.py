"""Offer rush: 500 suppliers' sealed offers arriving in the last minute before a mini-competition deadline.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x .venv/bin/python benchmarks/offer_rush.py
        # a NEW database "<x>_bench_offers" on that server (dropped and re-created, dropped again at the end),
        # migrated, seeded here through the ORM/services, and served by a real HTTP server in a subprocess.
    ... benchmarks/offer_rush.py --url http://127.0.0.1:8000
        # a server that is already running on DATABASE_URL itself, started with the same MPS_OFFER_MASTER_KEY
        # as this process (the call-off's data key is wrapped here, when it is published).

Set-up: a buyer, a framework lot with N suppliers (default 500), each with a contract, a bidder and an API token; a
mini-competition published with the deadline `--lead` seconds ahead (default 45 s). Then one thread per supplier
sends `POST /api/v1/calloffs/{id}/offers` at a random moment in the last `--window` seconds before the deadline
(default 40 s; `--window 0` = all at once); `--late` of them (default 25) are sent deliberately 0.3–3 s after it.

Prints: accepted, rejected-late (409), other errors, lost (accepted with a receipt but not stored with that hash —
must be 0), stored after the deadline (must be 0), and p50/p99 latency (all requests and accepted only).

The server (own mode) is Django's WSGI handler in a threaded WSGI server with a listen backlog of 1024 and a pool of
`--server-threads` request threads (default 32) in each of `--server-processes` processes (default 1,
sharing the port with SO_REUSEPORT) — what a production WSGI server with a thread pool does — so 500
simultaneous connections queue instead of exhausting PostgreSQL's connections. Not part of the test run.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


# --- server mode (subprocess) ---


def serve(port: int, threads: int) -> None:
    import django

    django.setup()
    from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer, get_internal_wsgi_application
    from django.db import connections

    pool = ThreadPoolExecutor(max_workers=threads)

    class PooledServer(WSGIServer):
        request_queue_size = 1024
        daemon_threads = True

        def server_bind(self) -> None:
            # several server processes share the port; the kernel spreads connections over them
            self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            super().server_bind()

        def process_request(self, request: Any, client_address: Any) -> None:
            pool.submit(self._handle, request, client_address)

        def _handle(self, request: Any, client_address: Any) -> None:
            try:
                self.finish_request(request, client_address)
            except Exception:
                self.handle_error(request, client_address)
            finally:
                self.shutdown_request(request)
                connections.close_all()

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = PooledServer(("127.0.0.1", port), QuietHandler, ipv6=False)
    server.set_app(get_internal_wsgi_application())
    print(f"serving on 127.0.0.1:{port}", flush=True)
    server.serve_forever()


# --- driver ---


def bench_database_url(database_url: str) -> str:
    parts = urlsplit(database_url)
    name = parts.path.lstrip("/") or "markedsplassen"
    return urlunsplit(parts._replace(path=f"/{name}_bench_offers"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def seed(n: int, lead: float) -> dict[str, Any]:
    """Create the world through the ORM and services; publish with the deadline `lead` seconds from now."""
    import datetime as dt
    from decimal import Decimal

    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from marketplace.accounts.models import Membership, Organisation, OrganisationKind, Role, User
    from marketplace.accounts.rules import orgnr_first_valid_from
    from marketplace.accounts.services import api_token_create
    from marketplace.calloffs.models import CallOff, ProcurementPart
    from marketplace.calloffs.services import mini
    from marketplace.catalogue.models import (
        Contract,
        CriterionKind,
        FrameworkAgreement,
        FrameworkCategory,
        FrameworkCriterion,
        Lot,
        Mechanism,
        Procedure,
    )

    today = timezone.localdate()
    password = make_password(None)
    buyer_org = Organisation.objects.create(
        orgnr="970205039", name="Norges vassdrags- og energidirektorat", kind=OrganisationKind.STATE
    )
    buyer = User.objects.create(username="bench.innkjoper", password=password)
    Membership.objects.create(user=buyer, organisation=buyer_org, role=Role.BUYER)
    framework = FrameworkAgreement.objects.create(
        name="Benk-rammeavtale",
        reference="BENK/2026",
        category=FrameworkCategory.CIPS,
        procedure=Procedure.RESTRICTED,
        starts_on=today - dt.timedelta(days=365),
        ends_on=today + dt.timedelta(days=365),
        max_value_amount=Decimal("1000000000"),
    )
    framework.participants.add(buyer_org)
    price = FrameworkCriterion.objects.create(
        framework=framework, name="Pris", kind=CriterionKind.PRICE, weight_percent=Decimal("100")
    )
    lot = Lot.objects.create(framework=framework, number=1, title="Skylagring")
    suppliers = Organisation.objects.bulk_create(
        [
            Organisation(
                orgnr=orgnr_first_valid_from(91000000 + i * 17),
                name=f"Benkleverandør {i:03d} AS",
                kind=OrganisationKind.SUPPLIER,
            )
            for i in range(n)
        ]
    )
    Contract.objects.bulk_create(
        [
            Contract(
                framework=framework,
                lot=lot,
                supplier=supplier,
                reference=f"BENK-K-{i:04d}",
                rank=i + 1,
                valid_from=framework.starts_on,
                valid_to=framework.ends_on,
            )
            for i, supplier in enumerate(suppliers)
        ]
    )
    users = User.objects.bulk_create(
        [User(username=f"bench.tilbyder{i:03d}", password=password) for i in range(n)]
    )
    Membership.objects.bulk_create(
        [Membership(user=u, organisation=s, role=Role.BIDDER) for u, s in zip(users, suppliers, strict=True)]
    )
    tokens = [
        api_token_create(actor=None, user=u, organisation=s, name="benk")[1]
        for u, s in zip(users, suppliers, strict=True)
    ]
    now = timezone.now()
    calloff = CallOff.objects.create(
        reference="AV-BENK-0001",
        buyer=buyer_org,
        created_by=buyer,
        framework=framework,
        lot=lot,
        mechanism=Mechanism.MINI_COMPETITION,
        title="Tilbudsrush",
        description="Benchmark",
        estimated_value_amount=Decimal("2500000"),
        period_starts_on=today + dt.timedelta(days=60),
        period_ends_on=today + dt.timedelta(days=800),
        procurement_part=ProcurementPart.PART_III,
        created_at=now,
    )
    buyer.active_organisation = buyer_org  # type: ignore[attr-defined]
    buyer.active_roles = frozenset({Role.BUYER})  # type: ignore[attr-defined]
    mini.invitations_ensure(calloff, actor=buyer)
    mini.criteria_set(actor=buyer, calloff=calloff, choices=[mini.CriterionChoice(price.pk, Decimal("100"))])
    mini.criteria_lock(actor=buyer, calloff=calloff)
    now = timezone.now()
    deadline = now + dt.timedelta(seconds=lead)
    mini.calloff_publish(
        actor=buyer,
        calloff=calloff,
        offer_deadline_at=deadline,
        questions_deadline_at=now + dt.timedelta(seconds=lead / 2),
        now=now,
    )
    return {
        "calloff_id": calloff.pk,
        "deadline": deadline.timestamp(),
        "suppliers": [s.pk for s in suppliers],
        "tokens": tokens,
    }


def post_offer(base_url: str, calloff_id: int, token: str, price: str) -> tuple[int, float, dict[str, Any]]:
    body = json.dumps({"price_amount": price, "description": f"Tilbud til {price} kr"}).encode()
    request = urllib.request.Request(  # noqa: S310 - loopback http
        f"{base_url}/api/v1/calloffs/{calloff_id}/offers",
        data=body,
        method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - loopback
            status, payload = response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as exc:
        status = exc.code
        try:
            payload = json.loads(exc.read() or b"{}")
        except json.JSONDecodeError:
            payload = {}
    except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
        status, payload = 0, {"detail": str(exc)}
    return status, time.perf_counter() - started, payload


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--url", default="", help="an already running server on DATABASE_URL")
    parser.add_argument("--suppliers", type=int, default=500)
    parser.add_argument("--late", type=int, default=25, help="how many are sent after the deadline")
    parser.add_argument("--lead", type=float, default=45.0, help="seconds from publishing to the deadline")
    parser.add_argument("--window", type=float, default=40.0, help="arrivals spread over the last N seconds")
    parser.add_argument("--server-threads", type=int, default=32, help="request threads per server process")
    parser.add_argument("--server-processes", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if args.serve:
        serve(args.port, args.server_threads)
        return 0

    source_url = os.environ.get("DATABASE_URL", "")
    if not source_url.startswith("postgres"):
        print("DATABASE_URL must point at PostgreSQL", file=sys.stderr)
        return 2
    workdir = Path(tempfile.mkdtemp(prefix="mps-offer-rush-"))
    env = dict(os.environ)
    servers: list[subprocess.Popen[bytes]] = []
    database_url = source_url
    if not args.url:
        from tests.e2e.server import pg_database_drop, pg_database_recreate

        database_url = bench_database_url(source_url)
        pg_database_recreate(database_url)
        env.update(
            {
                "DATABASE_URL": database_url,
                "DEBUG": "0",
                "SECRET_KEY": secrets.token_urlsafe(40),
                "ALLOWED_HOSTS": "127.0.0.1",
                "MPS_OFFER_MASTER_KEY": base64.urlsafe_b64encode(os.urandom(32)).decode(),
                "MPS_DATA_DIR": str(workdir),
                "MPS_STATIC_ROOT": str(workdir / "static"),
                "LOG_LEVEL": "ERROR",
            }
        )
        (workdir / "static").mkdir()
        os.environ.update(env)
        subprocess.run(  # noqa: S603 - our own manage.py
            [sys.executable, str(ROOT / "manage.py"), "migrate", "--no-input", "-v0"],
            env=env,
            check=True,
            cwd=ROOT,
        )
    try:
        import django

        django.setup()
        base_url = args.url.rstrip("/")
        if not base_url:
            port = free_port()
            log = (workdir / "server.log").open("wb")
            for _ in range(args.server_processes):
                servers.append(
                    subprocess.Popen(  # noqa: S603 - this script
                        [
                            sys.executable,
                            __file__,
                            "--serve",
                            "--port",
                            str(port),
                            "--server-threads",
                            str(args.server_threads),
                        ],
                        env=env,
                        cwd=ROOT,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                    )
                )
            base_url = f"http://127.0.0.1:{port}"
            for _ in range(150):
                try:
                    with urllib.request.urlopen(base_url + "/healthz", timeout=2):  # noqa: S310 - loopback
                        break
                except (urllib.error.URLError, ConnectionError):
                    time.sleep(0.2)
            else:
                print((workdir / "server.log").read_text(errors="replace")[-3000:], file=sys.stderr)
                return 1
        started = time.monotonic()
        world = seed(args.suppliers, args.lead)
        print(f"seeded {args.suppliers} suppliers, bidders and tokens in {time.monotonic() - started:.1f} s")
        deadline = world["deadline"]
        n = len(world["tokens"])
        rng = random.Random(2026)
        late = set(rng.sample(range(n), min(args.late, n)))
        plans = []
        for i in range(n):
            if i in late:
                at = deadline + rng.uniform(0.3, 3.0)
            else:
                at = deadline - 1.0 - rng.uniform(0, max(args.window - 1.0, 0))
            plans.append((i, at, f"{rng.randint(100_000, 9_999_999)}.{rng.randint(0, 99):02d}"))
        print(f"deadline in {deadline - time.time():.1f} s; {n - len(late)} on time, {len(late)} late")
        results: list[tuple[int, int, float, dict[str, Any], float]] = [None] * n  # type: ignore[list-item]
        barrier = threading.Barrier(n)

        def fire(i: int, at: float, price: str) -> None:
            barrier.wait()
            time.sleep(max(0.0, at - time.time()))
            sent_at = time.time()
            status, seconds, payload = post_offer(base_url, world["calloff_id"], world["tokens"][i], price)
            results[i] = (i, status, seconds, payload, sent_at)

        threads = [threading.Thread(target=fire, args=plan) for plan in plans]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        from marketplace.calloffs.models import CallOff, Offer, OfferReceipt

        calloff = CallOff.objects.get(pk=world["calloff_id"])
        stored = {o.supplier_id: o for o in Offer.objects.filter(calloff=calloff)}
        accepted = [r for r in results if r[1] in (200, 201)]
        rejected_late = [r for r in results if r[1] == 409]
        errors = [r for r in results if r[1] not in (200, 201, 409)]
        lost = 0
        for i, _status, _seconds, payload, _sent in accepted:
            offer = stored.get(world["suppliers"][i])
            if offer is None or offer.sha256 != payload.get("sha256"):
                lost += 1
        offer_deadline_at = calloff.offer_deadline_at
        assert offer_deadline_at is not None
        stored_late = sum(1 for o in stored.values() if o.submitted_at >= offer_deadline_at)
        late_accepted = sum(1 for r in accepted if r[0] in late)
        latencies = [r[2] for r in results]
        accepted_latencies = [r[2] for r in accepted]
        print(
            f"server: {base_url} on PostgreSQL ({args.server_processes} processes × {args.server_threads} threads); "
            f"{n} requests, {args.window:.0f} s window"
        )
        print(f"accepted:        {len(accepted)}")
        print(
            f"rejected-late:   {len(rejected_late)} (sent after the deadline: {len(late)}; accepted of those: {late_accepted})"
        )
        print(f"other errors:    {len(errors)}" + (f" {sorted({r[1] for r in errors})}" if errors else ""))
        print(f"lost:            {lost}")
        print(f"stored late:     {stored_late}")
        print(
            f"offers stored:   {len(stored)}; receipts: {OfferReceipt.objects.filter(calloff=calloff).count()}"
        )
        print(
            f"latency all:      p50 {statistics.median(latencies) * 1000:.0f} ms, "
            f"p99 {percentile(latencies, 99) * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms"
        )
        if accepted_latencies:
            print(
                f"latency accepted: p50 {statistics.median(accepted_latencies) * 1000:.0f} ms, "
                f"p99 {percentile(accepted_latencies, 99) * 1000:.0f} ms"
            )
        return 0 if lost == 0 and stored_late == 0 and not errors else 1
    finally:
        for server in servers:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
        if not args.url and not args.keep:
            from django.db import connections

            connections.close_all()
            pg_database_drop(database_url)


if __name__ == "__main__":
    sys.exit(main())
