"""Search benchmark: seed 50,000 published services, then time typical searches with facets.

    .venv/bin/python benchmarks/search.py                      # SQLite: a new file in a temporary directory
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x .venv/bin/python benchmarks/search.py
                                                               # PostgreSQL: a NEW database "<x>_bench_search"
                                                               # on that server (dropped and re-created)

It never touches the development database: SQLite gets its own temp file, PostgreSQL its own database.
Prints p50/p95 latency per query type and overall for `service_search` (the selector behind /tjenester/ and
GET /api/v1/services: facet counts, total, one page of 20 with certifications and data locations).
Options: --services N (default 50000), --runs N per query type (default 60), --seed N, --keep (keep the DB),
--cpu (CPU time of this process instead of wall-clock: all the work on SQLite, steady on a busy machine),
--reuse [SQLITE_FILE] (time again on a database kept with --keep: no seeding, nothing dropped; on PostgreSQL
the same "<x>_bench_search" database). With --reuse, two checkouts can be compared back to back on the very
same data: run each checkout's code against the kept database in turn.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Words by framework category (a service draws most of its text from its own theme) and a general pool, so a
# typical search word matches a few per cent of the register, as in a real catalogue.
THEMES = {
    "cips": ["skylagring", "objektlagring", "blokklagring", "sikkerhetskopi", "database", "kubernetes",
             "container", "virtuell", "maskin", "nettverk", "brannmur", "lastbalansering", "serverless",
             "compute", "storage", "backup", "gpu", "datasenter", "region", "replikering"],
    "saas": ["saksbehandling", "dokumenthåndtering", "arkiv", "e-post", "samhandling", "økonomi", "lønn",
             "regnskap", "innkjøp", "helse", "skole", "geodata", "kart", "portal", "collaboration",
             "case", "management", "analytics", "rapportering", "timeføring"],
    "cyberx": ["sikkerhet", "trusseletterretning", "sårbarhetsskanning", "penetrasjonstesting", "siem",
               "hendelseshåndtering", "opplæring", "phishing", "bevissthet", "risiko", "score", "overvåking",
               "security", "training", "awareness", "soc", "cert", "edr", "ddos", "waf"],
    "finops": ["kostnadsanalyse", "budsjett", "prognose", "tagging", "forbruk", "optimalisering", "rapport",
               "cost", "allocation", "showback", "chargeback", "anomalier", "reservasjoner", "rabatter",
               "dashboard", "focus", "fakturering", "avvik", "sparing", "kapasitet"],
    "cloud_ra": ["rådgivning", "strategi", "migrering", "arkitektur", "analyse", "utredning", "anskaffelse",
                 "advisory", "research", "roadmap", "vurdering", "gevinster", "modenhet", "workshop",
                 "benchmark", "markedsanalyse", "behovsanalyse", "exit", "plan", "veiledning"],
}  # fmt: skip
GENERAL = [
    "norsk", "support", "døgnet", "rundt", "kommune", "stat", "etat", "enkel", "sikker", "skalerbar", "tilgang",
    "integrasjon", "api", "standard", "åpen", "kilde", "drift", "forvaltning", "brukere", "lisens", "pris",
    "fleksibel", "data", "personvern", "kryptering", "nøkkelhåndtering", "identitet", "pålogging", "mobil",
    "web", "innebygd", "rapporter", "logg", "revisjon", "eksport", "import", "migrering", "opplæring",
    "dokumentasjon", "tilgjengelighet", "universell", "utforming", "grønn", "energi", "fornybar", "klima",
    "managed", "platform", "service", "secure", "scalable", "european", "hosting", "monitoring", "logging",
    "encryption", "identity", "access", "integration", "automation",
]  # fmt: skip
NAME_HEADS = (
    "Objektlagring", "Blokklagring", "Sikkerhetskopi", "Arkivtjeneste", "Administrert database", "Kubernetes",
    "Virtuelle maskiner", "Dataplattform", "Maskinlæring", "Saksbehandling", "Dokumenthåndtering", "E-post",
    "Samhandling", "Overvåking", "SIEM", "Penetrasjonstesting", "Sikkerhetsopplæring", "Kostnadsanalyse",
    "Identitetsstyring", "Brannmur", "Cyber Risk Score", "Trusseletterretning", "FinOps-verktøy", "Rådgivning",
)  # fmt: skip
NAME_TAILS = (
    "Oslo",
    "Bergen",
    "Nord",
    "Pro",
    "Standard",
    "Basis",
    "Pluss",
    "Enterprise",
    "Kommune",
    "Stat",
    "Go",
)


def _database(args: argparse.Namespace) -> tuple[str, str]:
    """(description, DATABASE_URL or '') and sets the environment so Django uses the benchmark database."""
    url = os.environ.get("DATABASE_URL", "")
    if args.reuse is not None:
        if url:
            parts = urlsplit(url)
            name = f"{parts.path.lstrip('/') or 'mps'}_bench_search"
            os.environ["DATABASE_URL"] = urlunsplit(
                (parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment)
            )
            return f"PostgreSQL database {name} on {parts.hostname} (reused)", name
        if not args.reuse or not Path(args.reuse).exists():
            raise SystemExit("--reuse needs the SQLite file a --keep run printed")
        os.environ["SQLITE_PATH"] = args.reuse
        return f"SQLite file {args.reuse} (reused)", args.reuse
    if url:
        parts = urlsplit(url)
        base = parts.path.lstrip("/") or "mps"
        name = f"{base}_bench_search"
        bench_url = urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))
        import psycopg

        admin = urlunsplit((parts.scheme, parts.netloc, "/postgres", parts.query, parts.fragment))
        with psycopg.connect(admin.replace("postgres://", "postgresql://", 1), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = bench_url
        return f"PostgreSQL database {name} on {parts.hostname}", name
    directory = tempfile.mkdtemp(prefix="mps-bench-search-")
    path = os.path.join(directory, "bench.sqlite3")
    os.environ.pop("DATABASE_URL", None)
    os.environ["SQLITE_PATH"] = path
    return f"SQLite file {path}", path


def _seed(n_services: int, rng: random.Random) -> None:
    import datetime as dt
    from decimal import Decimal

    from django.db import transaction

    from marketplace.accounts.models import Organisation, OrganisationKind
    from marketplace.accounts.rules import orgnr_first_valid_from
    from marketplace.catalogue.models import (
        Certification,
        CertificationScheme,
        Contract,
        CyberxPhase,
        DataLocation,
        DataResidency,
        DeploymentModel,
        FrameworkAgreement,
        FrameworkCategory,
        Lot,
        PriceModel,
        PriceUnit,
        Procedure,
        Service,
        ServiceModel,
        ServiceStatus,
        SupportHours,
    )

    def orgnr(n: int) -> str:
        return orgnr_first_valid_from(91000000 + n * 17)

    frameworks_spec = [
        ("CIPS", FrameworkCategory.CIPS, ["IaaS", "PaaS", "Hybrid og privat sky"], 0.40),
        ("SaaS", FrameworkCategory.SAAS, ["Samhandling", "Saksbehandling og arkiv", "Økonomi og lønn",
                                          "Fagsystemer", "Dataplattform"], 0.40),
        ("CyberX Cyber Risk Score", FrameworkCategory.CYBERX, ["Cyber Risk Score"], 0.02),
        ("CyberX Training & Awareness", FrameworkCategory.CYBERX, ["Opplæring og bevissthet"], 0.06),
        ("FinOps-verktøy", FrameworkCategory.FINOPS, ["FinOps-verktøy"], 0.06),
        ("Cloud Research & Advisory", FrameworkCategory.CLOUD_RA, ["Rådgivning"], 0.06),
    ]  # fmt: skip
    with transaction.atomic():
        suppliers = Organisation.objects.bulk_create(
            Organisation(orgnr=orgnr(i), name=f"Leverandør {i:02d} AS", kind=OrganisationKind.SUPPLIER)
            for i in range(40)
        )
        lots_by_share: list[tuple[Lot, FrameworkAgreement, float, str]] = []
        for index, (name, category, lot_titles, share) in enumerate(frameworks_spec):
            framework = FrameworkAgreement.objects.create(
                name=name,
                reference=f"2024/{index:04d}",
                category=category,
                procedure=Procedure.RESTRICTED,
                starts_on=dt.date(2025, 1, 1),
                ends_on=dt.date(2029, 12, 31),
                max_value_amount=Decimal("1e9"),
            )
            for number, title in enumerate(lot_titles, start=1):
                lot = Lot.objects.create(framework=framework, number=number, title=title)
                lots_by_share.append((lot, framework, share / len(lot_titles), str(category)))
        contracts: list[tuple[Contract, float, str]] = []
        k = 0
        for lot, framework, share, category in lots_by_share:
            n_suppliers = 1 if lot.title == "Cyber Risk Score" else rng.randint(3, 10)
            chosen = rng.sample(suppliers, n_suppliers)
            for rank, supplier in enumerate(chosen, start=1):
                contract = Contract.objects.create(
                    framework=framework,
                    lot=lot,
                    supplier=supplier,
                    reference=f"K-{k:05d}",
                    rank=rank if category == "cips" else None,
                    valid_from=dt.date(2025, 1, 1),
                    valid_to=dt.date(2029, 12, 31),
                )
                k += 1
                contracts.append((contract, share / n_suppliers, category))
        weights = [w for _, w, _ in contracts]

        model_by_category = {
            "cips": [ServiceModel.IAAS, ServiceModel.PAAS],
            "saas": [ServiceModel.SAAS],
            "cyberx": [ServiceModel.SECURITY],
            "finops": [ServiceModel.SAAS],
            "cloud_ra": [ServiceModel.ADVISORY],
        }
        price_by_model = {
            ServiceModel.IAAS: ([PriceModel.PAY_AS_YOU_GO, PriceModel.COMMITMENT], PriceUnit.VCPU_HOUR),
            ServiceModel.PAAS: ([PriceModel.PAY_AS_YOU_GO, PriceModel.COMMITMENT], PriceUnit.GIB_MONTH),
            ServiceModel.SAAS: ([PriceModel.PER_USER, PriceModel.FIXED_SUBSCRIPTION], PriceUnit.USER_MONTH),
            ServiceModel.SECURITY: (
                [PriceModel.FIXED_SUBSCRIPTION, PriceModel.PER_USER],
                PriceUnit.ASSET_YEAR,
            ),
            ServiceModel.ADVISORY: ([PriceModel.HOURLY], PriceUnit.CONSULTING_HOUR),
        }
        batch: list[Service] = []
        chosen_contracts = rng.choices(contracts, weights=weights, k=n_services)
        for i, (contract, _, category) in enumerate(chosen_contracts):
            model = rng.choice(model_by_category[category])
            prices, unit = price_by_model[model]
            is_cloud = rng.random() < 0.8 and model != ServiceModel.ADVISORY
            theme = THEMES[category if category in THEMES else "cips"]
            words = (
                rng.sample(theme, 4) + rng.sample(GENERAL, 2) + rng.sample(theme, 2) + rng.sample(GENERAL, 6)
            )
            batch.append(
                Service(
                    contract=contract,
                    name=f"{rng.choice(NAME_HEADS)} {rng.choice(NAME_TAILS)} {i}",
                    summary=" ".join(words[:6]).capitalize(),
                    description="<p>" + " ".join(words[6:]) + "</p>",
                    service_model=model,
                    deployment_model=rng.choice(list(DeploymentModel)),
                    has_on_demand_self_service=is_cloud or rng.random() < 0.5,
                    has_broad_network_access=True,
                    has_resource_pooling=is_cloud or rng.random() < 0.5,
                    has_rapid_elasticity=is_cloud,
                    has_measured_service=is_cloud or rng.random() < 0.5,
                    data_residency=rng.choices(
                        [DataResidency.NORWAY, DataResidency.EEA, DataResidency.THIRD_COUNTRY], [3, 5, 2]
                    )[0],
                    price_model=rng.choice(prices),
                    price_from_amount=Decimal(rng.randint(1, 100000)) / 100 if rng.random() < 0.9 else None,
                    price_unit=unit,
                    sla_availability_percent=rng.choice(
                        [None, Decimal("99.5"), Decimal("99.9"), Decimal("99.95"), Decimal("99.99")]
                    ),
                    support_hours=rng.choice(list(SupportHours)),
                    has_norwegian_support=rng.random() < 0.6,
                    export_formats="CSV, JSON",
                    cyberx_phase=rng.choice(list(CyberxPhase)) if model == ServiceModel.SECURITY else "",
                    status=ServiceStatus.PUBLISHED if rng.random() < 0.95 else ServiceStatus.DRAFT,
                )
            )
        services = Service.objects.bulk_create(batch, batch_size=2000)

        schemes = [
            (CertificationScheme.ISO27001, 0.7), (CertificationScheme.SOC2, 0.4), (CertificationScheme.ISO27017, 0.3),
            (CertificationScheme.ISO27018, 0.25), (CertificationScheme.CSA_STAR, 0.1), (CertificationScheme.C5, 0.1),
        ]  # fmt: skip
        certifications = []
        locations = []
        countries = {
            DataResidency.NORWAY: [["NO"]],
            DataResidency.EEA: [["SE"], ["IE"], ["NO", "SE"], ["DE", "NL"], ["FI"]],
            DataResidency.THIRD_COUNTRY: [["US"], ["IE", "US"], ["GB"], ["IN", "IE"]],
        }
        for service in services:
            for scheme, share in schemes:
                if rng.random() < share:
                    expired = rng.random() < 0.1
                    certifications.append(
                        Certification(
                            service=service,
                            scheme=scheme,
                            issuer="DNV",
                            valid_until=dt.date(2025, 6, 30) if expired else dt.date(2028, 6, 30),
                        )
                    )
            for country in rng.choice(countries[DataResidency(service.data_residency)]):
                locations.append(DataLocation(service=service, country=country))
        Certification.objects.bulk_create(certifications, batch_size=5000)
        DataLocation.objects.bulk_create(locations, batch_size=5000)


def _queries(rng: random.Random) -> dict[str, list[dict[str, object]]]:
    from marketplace.catalogue.models import FrameworkAgreement, Lot

    framework_ids = list(FrameworkAgreement.objects.values_list("pk", flat=True))
    lot_ids = list(Lot.objects.values_list("pk", flat=True))
    facet_choices = [
        lambda: {"location": (rng.choice(["norway", "eea", "third_country"]),)},
        lambda: {"certification": (rng.choice(["iso27001", "soc2", "iso27017"]),)},
        lambda: {"model": (rng.choice(["iaas", "paas", "saas", "security"]),)},
        lambda: {"framework": (rng.choice(framework_ids),)},
        lambda: {"lot": (rng.choice(lot_ids),)},
        lambda: {"price_model": (rng.choice(["payg", "per_user", "fixed"]),)},
        lambda: {"cloud": ("yes",)},
    ]
    terms = [
        "lagring", "sikkerhet", "kubernetes", "database backup", "opplæring", "arkiv", "cloud storage",
        "overvåking", "kostnad", "tjenester", "personvern kryptering", "skylagring", "saksbeh", "monitoring",
        "geodata", "siem", "migrering", "norsk support", "sårbarhet", "lønn",
    ]  # fmt: skip

    def facets(n: int) -> dict[str, object]:
        chosen: dict[str, object] = {}
        for make in rng.sample(facet_choices, n):
            chosen.update(make())
        return chosen

    runs: dict[str, list[dict[str, object]]] = {
        "browse (no q, 0-2 facets)": [],
        "q + 1-2 facets": [],
        "q only": [],
        "deep page": [],
    }
    for _ in range(200):
        runs["browse (no q, 0-2 facets)"].append(
            {**facets(rng.randint(0, 2)), "sort": rng.choice(["name", "price", "sla"])}
        )
        runs["q + 1-2 facets"].append({"q": rng.choice(terms), **facets(rng.randint(1, 2))})
        runs["q only"].append({"q": rng.choice(terms)})
        runs["deep page"].append(
            rng.choice(
                [
                    {"sort": "price", "page": rng.randint(100, 2000)},
                    {"q": rng.choice(terms), "page": rng.randint(5, 50)},
                    {"location": ("eea",), "sort": "name", "page": rng.randint(100, 1000)},
                ]
            )
        )
    return runs


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--services", type=int, default=50000)
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
    parser.add_argument(
        "--reuse",
        nargs="?",
        const="",
        default=None,
        metavar="SQLITE_FILE",
        help="time on a database kept by an earlier --keep run (SQLite: its file) instead of seeding a new one",
    )
    parser.add_argument(
        "--cpu",
        action="store_true",
        help="time with this process's CPU time instead of the wall clock (on SQLite that is all the work, so the "
        "figures hold on a busy machine; on PostgreSQL it leaves out the server's share)",
    )
    args = parser.parse_args()

    where, name = _database(args)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", "benchmark-only-not-secret")
    os.environ.setdefault("ALLOWED_HOSTS", "localhost")
    # DEBUG=0 requires a sealed-offer master key; the benchmark never seals anything
    os.environ.setdefault("MPS_OFFER_MASTER_KEY", "YmVuY2htYXJrLW9ubHktbm90LWEtcmVhbC1rZXktISE=")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from marketplace.catalogue.search import SearchParams, services_reindex
    from marketplace.catalogue.selectors import service_search

    # as the app server's entry point does (config/wsgi.py): what start-up loaded is kept out of full collections
    gc.freeze()

    print(f"Database: {where}")
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    if args.reuse is None:
        rng = random.Random(args.seed)
        _seed(args.services, rng)
        seeded = time.perf_counter()
        indexed = services_reindex()
        done = time.perf_counter()
        with connection.cursor() as cursor:
            # what autovacuum does after a bulk load (PostgreSQL also needs the visibility map for index-only scans)
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
        print(
            f"Seeded {args.services} services ({indexed} published and indexed) in {seeded - started:.1f} s, "
            f"index built in {done - seeded:.1f} s"
        )
    else:
        # queries drawn from a seed of their own: every --reuse run with the same --seed times the same searches
        rng = random.Random(args.seed + 1)

    from django.core.cache import cache

    runs = _queries(rng)
    cold_all: list[float] = []
    warm_all: list[float] = []

    clock = time.process_time if args.cpu else time.perf_counter
    if args.cpu:
        print("\ntimes are CPU time of this process (--cpu), not wall-clock latency")

    def timed(params: dict[str, object], *, clear: bool) -> tuple[float, int]:
        if clear:
            cache.clear()  # cold: nothing cached, every facet aggregate computed afresh
        t0 = clock()
        result = service_search(SearchParams(**params))  # type: ignore[arg-type]
        return (clock() - t0) * 1000, result.total

    print(
        "\ncold = cache cleared before each search; warm = the same search again (other page/sort, back button)"
    )
    # latencies are wall-clock: on a shared machine other work inflates them, so say how busy it was
    print("load average (1/5/15 min) before timing: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    print(
        f"{'query type':<28}{'runs':>6}{'cold p50':>10}{'cold p95':>10}{'warm p50':>10}{'warm p95':>10}"
        f"{'hits (median)':>15}"
    )
    for kind, param_list in runs.items():
        chosen = param_list[: args.runs]
        for params in chosen[:3]:
            timed(params, clear=True)  # warm the database's own caches
        cold = [timed(params, clear=True) for params in chosen]
        warm = [timed(params, clear=False) for params in chosen]
        cold_ms = [t for t, _ in cold]
        warm_ms = [t for t, _ in warm]
        cold_all += cold_ms
        warm_all += warm_ms
        print(
            f"{kind:<28}{len(chosen):>6}{_percentile(cold_ms, 50):>10.1f}{_percentile(cold_ms, 95):>10.1f}"
            f"{_percentile(warm_ms, 50):>10.1f}{_percentile(warm_ms, 95):>10.1f}"
            f"{int(statistics.median(h for _, h in cold)):>15}"
        )
    print(
        f"{'overall':<28}{len(cold_all):>6}{_percentile(cold_all, 50):>10.1f}{_percentile(cold_all, 95):>10.1f}"
        f"{_percentile(warm_all, 50):>10.1f}{_percentile(warm_all, 95):>10.1f}"
    )
    print("load average (1/5/15 min) after timing: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    connection.close()
    if not args.keep and args.reuse is None:
        if connection.vendor == "postgresql" or os.environ.get("DATABASE_URL"):
            import psycopg

            parts = urlsplit(os.environ["DATABASE_URL"])
            admin = urlunsplit(("postgresql", parts.netloc, "/postgres", parts.query, parts.fragment))
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        else:
            for suffix in ("", "-wal", "-shm"):
                Path(name + suffix).unlink(missing_ok=True)


if __name__ == "__main__":
    main()
