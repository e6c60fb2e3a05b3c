"""The CyberX pages: permission matrix on every view (anonymous, other organisation, same organisation wrong role,
security officer, org admin, MPS staff), figures on the overview, scan detail, CSV exports, the methodology page,
and for the write views (add asset, import CSV, deactivate, start scan) the denied paths and form validation —
denied requests change nothing. The happy paths of the write views need the core area's services."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from marketplace.accounts.models import OrganisationKind, Role
from marketplace.accounts.tests.factories import OrganisationFactory, member
from marketplace.cyber.models import Asset, Scan
from marketplace.cyber.tests.pages_helpers import CATEGORY_SCORES, RESULTS, UTC, asset, make_scan

pytestmark = pytest.mark.django_db

OVERVIEW = reverse("cyber:overview")
ASSETS = reverse("cyber:assets")
ASSET_ADD = reverse("cyber:asset_add")
ASSET_IMPORT = reverse("cyber:asset_import")
SCANS = reverse("cyber:scans")
SCAN_START = reverse("cyber:scan_start")
METHODOLOGY = reverse("cyber:methodology")
MPS = reverse("cyber:mps")
BOM = "\ufeff"


@pytest.fixture
def org():
    return OrganisationFactory(name="Statens testverk", kind=OrganisationKind.STATE)


@pytest.fixture
def other_org():
    return OrganisationFactory(name="Andre etat", kind=OrganisationKind.STATE)


@pytest.fixture
def scan(org):
    make_scan(org, score=62, grade="D", finished_at=dt.datetime(2026, 2, 1, 9, 0, tzinfo=UTC))
    return make_scan(
        org,
        score=71,
        grade="C",
        finished_at=dt.datetime(2026, 3, 1, 9, 0, tzinfo=UTC),
        category_scores=CATEGORY_SCORES,
        results=RESULTS,
    )


@pytest.fixture
def the_asset(org):
    return asset(org, "eksempel.no")


def staff(role=Role.MPS_ADMIN):
    return member(OrganisationFactory(kind=OrganisationKind.MPS), role)


def csv_lines(response) -> list[str]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8")
    assert text.startswith(BOM)
    return text[len(BOM) :].split("\r\n")


def snapshot() -> tuple:
    return (
        list(Asset.objects.order_by("pk").values_list("pk", "name", "is_active")),
        list(Scan.objects.order_by("pk").values_list("pk", "status")),
    )


# --- permission matrix ---------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_log_in_and_changes_nothing(client, scan, the_asset):
    before = snapshot()
    urls = [
        OVERVIEW,
        ASSETS,
        ASSET_ADD,
        ASSET_IMPORT,
        SCANS,
        MPS,
        reverse("cyber:scan_detail", args=[scan.pk]),
        reverse("cyber:organisation_overview", args=[scan.organisation_id]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:login"))
    for url in (ASSET_ADD, SCAN_START, reverse("cyber:asset_deactivate", args=[the_asset.pk])):
        response = client.post(url, {"name": "ny.no", "kind": "domain"})
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    assert snapshot() == before


def test_methodology_is_public(client):
    response = client.get(METHODOLOGY)
    assert response.status_code == 200
    assert "Slik regner vi Cyber Risk Score" in response.content.decode()


@pytest.mark.parametrize("role", [Role.BUYER, Role.FINOPS_ANALYST, Role.PRIVACY_OFFICER])
def test_same_organisation_without_security_role_is_refused(client, org, scan, the_asset, role):
    client.force_login(member(org, role))
    before = snapshot()
    for url in (OVERVIEW, ASSETS, ASSET_ADD, ASSET_IMPORT, SCANS, MPS, OVERVIEW + "?format=csv&table=trend"):
        assert client.get(url).status_code == 403, url
    assert client.post(ASSET_ADD, {"name": "ny.no", "kind": "domain"}).status_code == 403
    upload = SimpleUploadedFile("a.csv", b"name,kind\nny.no,domain\n", content_type="text/csv")
    assert client.post(ASSET_IMPORT, {"file": upload}).status_code == 403
    assert client.post(SCAN_START).status_code == 403
    assert client.post(reverse("cyber:asset_deactivate", args=[the_asset.pk])).status_code == 403
    # scan detail and another organisation's page do not reveal that they exist
    assert client.get(reverse("cyber:scan_detail", args=[scan.pk])).status_code == 404
    assert client.get(reverse("cyber:organisation_overview", args=[org.pk])).status_code == 404
    assert snapshot() == before


def test_other_organisation_sees_only_its_own(client, org, other_org, scan, the_asset):
    make_scan(other_org, score=93, grade="A")
    asset(other_org, "andre.no")
    client.force_login(member(other_org, Role.SECURITY_OFFICER))
    before = snapshot()
    response = client.get(OVERVIEW)
    assert response.status_code == 200
    assert response.context["organisation"] == other_org
    assert response.context["latest"].score == 93
    page = response.content.decode()
    assert "Statens testverk" not in page
    assert "eksempel.no" not in page
    assets_page = client.get(ASSETS)
    assert [item.name for item in assets_page.context["assets"]] == ["andre.no"]
    assert [item.organisation_id for item in client.get(SCANS).context["scans"]] == [other_org.pk]
    assert client.get(reverse("cyber:scan_detail", args=[scan.pk])).status_code == 404
    assert client.get(reverse("cyber:organisation_overview", args=[org.pk])).status_code == 404
    assert client.post(reverse("cyber:asset_deactivate", args=[the_asset.pk])).status_code == 404
    assert client.get(MPS).status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize("role", [Role.SECURITY_OFFICER, Role.ORG_ADMIN])
def test_security_roles_see_their_organisation(client, org, scan, the_asset, role):
    client.force_login(member(org, role))
    response = client.get(OVERVIEW)
    assert response.status_code == 200
    assert response.context["latest"] == scan
    assert response.context["is_own"] is True
    assert response.context["can_scan"] is True
    assert client.get(ASSETS).context["can_manage"] is True
    assert client.get(ASSET_ADD).status_code == 200
    assert client.get(ASSET_IMPORT).status_code == 200
    assert client.get(SCANS).status_code == 200
    assert client.get(reverse("cyber:scan_detail", args=[scan.pk])).status_code == 200
    assert client.get(reverse("cyber:organisation_overview", args=[org.pk])).status_code == 200
    assert client.get(MPS).status_code == 403


@pytest.mark.parametrize("role", [Role.CATEGORY_MANAGER, Role.MPS_ADMIN])
def test_mps_staff_see_every_organisation_but_change_no_assets(client, org, other_org, scan, the_asset, role):
    make_scan(other_org, score=93, grade="A")
    client.force_login(staff(role))
    before = snapshot()
    assert client.get(OVERVIEW)["Location"] == MPS
    response = client.get(MPS)
    assert response.status_code == 200
    assert [(row["organisation"], row["score"], row["grade"]) for row in response.context["rows"]] == [
        ("Andre etat", 93, "A"),
        ("Statens testverk", 71, "C"),
    ]
    detail = client.get(reverse("cyber:organisation_overview", args=[org.pk]))
    assert detail.status_code == 200
    assert detail.context["latest"] == scan
    assert detail.context["is_own"] is False
    assert client.get(reverse("cyber:scan_detail", args=[scan.pk])).status_code == 200
    # their own organisation (DFØ) is not a buyer with assets: no asset changes for another organisation
    assert client.post(reverse("cyber:asset_deactivate", args=[the_asset.pk])).status_code == 403
    assert client.post(ASSET_ADD, {"name": "ny.no", "kind": "domain"}).status_code == 403
    assert snapshot() == before


def test_mps_csv_lists_latest_scores(client, org, scan):
    client.force_login(staff())
    lines = csv_lines(client.get(MPS + "?format=csv&table=organisations"))
    assert lines[0] == "Virksomhet,Organisasjonsnummer,Type,Poengsum,Karakter,Skannet"
    assert lines[1] == f"Statens testverk,{org.orgnr},Statlig virksomhet,71,C,2026-03-01"
    assert client.get(MPS + "?format=csv&table=nope").status_code == 404


# --- overview ------------------------------------------------------------------------------------------------


def test_overview_figures_trend_and_deductions(client, org, scan):
    client.force_login(member(org, Role.SECURITY_OFFICER))
    response = client.get(OVERVIEW)
    page = response.content.decode()
    assert '<span class="cyber-score__number" id="cyber-score">71</span>' in page
    assert "Karakter C" in page
    trend = response.context["trend"]
    assert [(row["date"], row["score"]) for row in trend.rows] == [
        (dt.date(2026, 2, 1), 62),
        (dt.date(2026, 3, 1), 71),
    ]
    assert trend.spec["mark"]["type"] == "line"
    assert trend.spec["encoding"]["y"]["scale"]["domain"] == [0, 100]
    assert trend.spec["data"]["values"] == [
        {"date": "2026-02-01", "score": 62},
        {"date": "2026-03-01", "score": 71},
    ]
    assert [(row["category"], row["score"]) for row in response.context["categories"].rows] == [
        ("web_transport", 83),
        ("web_headers", 0),
        ("email", 100),
    ]
    assert [item.result.check_id for item in response.context["deductions"]] == ["web.csp", "web.hsts"]
    assert f'href="/cyberx/skanninger/{scan.pk}/#kontroll-' in page
    assert "Slik retter du det:" in page
    assert "core/charts.js" in page


def test_overview_csv_exports(client, org, scan):
    client.force_login(member(org, Role.ORG_ADMIN))
    lines = csv_lines(client.get(OVERVIEW + "?format=csv&table=trend"))
    assert lines[:3] == [
        "Dato,Poengsum,Karakter,Skanning",
        f"2026-02-01,62,D,{scan.pk - 1}",
        f"2026-03-01,71,C,{scan.pk}",
    ]
    deductions = csv_lines(client.get(OVERVIEW + "?format=csv&table=deductions"))
    assert deductions[1].startswith(
        "www.eksempel.no,web.csp,Content-Security-Policy,Sikkerhetsheadere for web,Ikke bestått,0,10,"
    )
    assert client.get(OVERVIEW + "?format=csv&table=secret").status_code == 404


def test_peer_comparison_is_anonymised(client, org, scan):
    for score in (40, 88, 97):
        make_scan(
            OrganisationFactory(name=f"Etat {score}", kind=OrganisationKind.STATE), score=score, grade="F"
        )
    make_scan(OrganisationFactory(name="Kommune X", kind=OrganisationKind.MUNICIPALITY), score=55, grade="F")
    client.force_login(member(org, Role.SECURITY_OFFICER))
    response = client.get(OVERVIEW)
    state, municipality = response.context["peers"].rows
    assert (state["count"], state["median"], state["share_below"]) == (4, 79.5, 33)
    assert (municipality["count"], municipality["median"], municipality["is_shown"]) == (1, None, False)
    page = response.content.decode()
    assert (
        "Siste poengsum er 71, og 33 % av de andre i gruppen «statlig virksomhet» har lavere poengsum."
        in page
    )
    assert "Etat 40" not in page
    assert "Kommune X" not in page


def test_empty_overview_points_to_assets(client, org):
    client.force_login(member(org, Role.SECURITY_OFFICER))
    response = client.get(OVERVIEW)
    assert response.context["latest"] is None
    assert "Ingen poengsum ennå" in response.content.decode()


def test_user_without_organisation_is_refused(client):
    from marketplace.accounts.tests.factories import UserFactory

    client.force_login(UserFactory())
    assert client.get(OVERVIEW).status_code == 403


# --- scans ---------------------------------------------------------------------------------------------------


def test_scan_detail_shows_every_check_with_evidence_and_explanation(client, org, scan):
    client.force_login(member(org, Role.SECURITY_OFFICER))
    response = client.get(reverse("cyber:scan_detail", args=[scan.pk]))
    targets = response.context["targets"]
    assert [group["target"] for group in targets] == ["eksempel.no", "www.eksempel.no"]
    assert [row["result"].check_id for row in targets[1]["rows"]] == [
        "tls.ocsp_stapling",
        "tls.protocols",
        "web.hsts",
        "web.https_forced",
        "web.csp",
    ]
    page = response.content.decode()
    assert "header: max-age=86400" in page
    assert "Strict-Transport-Security med max-age på minst 31536000" in page
    assert "teller ikke" in page  # the recommended and not-tested checks
    assert f'id="kontroll-{targets[1]["rows"][2]["result"].pk}"' in page


def test_huge_evidence_is_cut_in_the_page(client, org):
    scan = make_scan(
        org,
        results=[
            {
                "target": "www.eksempel.no",
                "check_id": "web.csp",
                "category": "web_headers",
                "status": "fail",
                "points": 0,
                "evidence": {"header": "x" * 50_000},
            }
        ],
    )
    client.force_login(member(org, Role.SECURITY_OFFICER))
    page = client.get(reverse("cyber:scan_detail", args=[scan.pk])).content.decode()
    assert "header: " + "x" * 1999 + "…" in page
    assert "x" * 2001 not in page


def test_scan_list_offers_a_scan_only_with_active_assets(client, org, scan):
    client.force_login(member(org, Role.SECURITY_OFFICER))
    response = client.get(SCANS)
    assert [item.score for item in response.context["scans"]] == [71, 62]
    assert SCAN_START not in response.content.decode()
    asset(org, "eksempel.no")
    assert SCAN_START in client.get(SCANS).content.decode()


def test_scan_start_is_post_only(client, org):
    client.force_login(member(org, Role.SECURITY_OFFICER))
    assert client.get(SCAN_START).status_code == 405
    assert Scan.objects.count() == 0


# --- assets: form validation (nothing stored) -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Feltet er påkrevet."),
        ("10.0.0.1", "ikke en IP-adresse"),
        ("[::1]", "ikke en IP-adresse"),
        ("localhost", "er ikke et gyldig domenenavn"),
        ("bad_name.no", "er ikke et gyldig domenenavn"),
        ("-start.no", "er ikke et gyldig domenenavn"),
        ("a" * 64 + ".no", "er ikke et gyldig domenenavn"),
    ],
)
def test_asset_add_rejects_bad_names(client, org, name, message):
    client.force_login(member(org, Role.SECURITY_OFFICER))
    response = client.post(ASSET_ADD, {"name": name, "kind": "domain"})
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors["name"])
    assert Asset.objects.count() == 0


def test_asset_add_rejects_unknown_kind(client, org):
    client.force_login(member(org, Role.SECURITY_OFFICER))
    response = client.post(ASSET_ADD, {"name": "nve.no", "kind": "ip"})
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["kind"]
    assert Asset.objects.count() == 0


@pytest.mark.parametrize(
    ("filename", "content", "content_type", "message"),
    [
        ("a.csv", b"", "text/csv", "Filen er tom."),
        ("a.xlsx", b"name,kind\n", "application/vnd.openxmlformats", "Filen må være en CSV-fil (.csv)."),
        ("a.csv", b"name,kind\n\xff\xfe\xfa bad", "text/csv", "Filen må være tekst i UTF-8."),
        ("a.csv", b"name,kind\x00\n", "text/csv", "Filen må være tekst i UTF-8."),
        ("a.csv", b"x" * (1024 * 1024 + 1), "text/csv", "Filen er for stor."),
    ],
)
def test_asset_import_validates_the_file(client, org, filename, content, content_type, message):
    client.force_login(member(org, Role.ORG_ADMIN))
    upload = SimpleUploadedFile(filename, content, content_type=content_type)
    response = client.post(ASSET_IMPORT, {"file": upload})
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors["file"])
    assert Asset.objects.count() == 0


def test_asset_import_requires_a_file(client, org):
    client.force_login(member(org, Role.ORG_ADMIN))
    response = client.post(ASSET_IMPORT, {})
    assert response.status_code == 400
    assert response.context["error_items"][0][0] == "id_file"


def test_asset_deactivate_of_missing_or_inactive(client, org):
    inactive = asset(org, "gammel.no", is_active=False)
    client.force_login(member(org, Role.SECURITY_OFFICER))
    assert client.post(reverse("cyber:asset_deactivate", args=[inactive.pk + 99])).status_code == 404
    response = client.post(reverse("cyber:asset_deactivate", args=[inactive.pk]))
    assert response.status_code == 302  # already inactive: nothing to do
    assert Asset.objects.get(pk=inactive.pk).is_active is False
    assert client.get(reverse("cyber:asset_deactivate", args=[inactive.pk])).status_code == 405


# --- methodology ---------------------------------------------------------------------------------------------


def test_methodology_shows_weights_and_grade_bands(client, tmp_path, monkeypatch):
    from marketplace.cyber import scoring, selectors

    path = tmp_path / "weights.json"
    path.write_text(
        json.dumps(
            {
                "version": "2026-1",
                "categories": [
                    {"category": "web_transport", "weight": 3, "source": "internet.nl"},
                    {"category": "email", "weight": 1},
                ],
                "grades": [
                    {"grade": grade, "min_score": minimum} for grade, minimum in selectors.DEFAULT_GRADE_BANDS
                ],
            }
        ),
        encoding="utf-8",
    )
    scoring.methodology.cache_clear()
    monkeypatch.setattr(selectors, "WEIGHTS_FILE", path)
    response = client.get(METHODOLOGY)
    assert [
        (row["category"], row["weight"], row["share"], row["source"]) for row in response.context["weights"]
    ] == [
        ("web_transport", 3.0, 75.0, "internet.nl"),
        ("email", 1.0, 25.0, ""),
    ]
    assert [(band["grade"], band["minimum"], band["maximum"]) for band in response.context["bands"]] == [
        ("A", 90, 100),
        ("B", 80, 89),
        ("C", 70, 79),
        ("D", 60, 69),
        ("F", 0, 59),
    ]
    page = response.content.decode()
    assert "Versjon av vektene: 2026-1." in page
    assert "<code>web.hsts</code>" in page


# --- navigation ----------------------------------------------------------------------------------------------


def test_main_menu_item_for_security_roles_and_staff(client, org):
    officer = member(org, Role.SECURITY_OFFICER)
    buyer = member(org, Role.BUYER)
    supplier_admin = member(OrganisationFactory(kind=OrganisationKind.SUPPLIER), Role.SUPPLIER_ADMIN)
    link = f'href="{OVERVIEW}"'
    client.force_login(officer)
    assert link in client.get(METHODOLOGY).content.decode()
    client.force_login(staff(Role.CATEGORY_MANAGER))
    assert link in client.get(METHODOLOGY).content.decode()
    for user in (buyer, supplier_admin):
        client.force_login(user)
        assert link not in client.get(METHODOLOGY).content.decode()


def test_section_navigation_per_user(client, org):
    client.force_login(member(org, Role.SECURITY_OFFICER))
    page = client.get(ASSETS).content.decode()
    assert 'aria-label="CyberX-sider"' in page
    assert f'href="{SCANS}"' in page
    assert f'href="{MPS}"' not in page
    client.force_login(staff())
    page = client.get(MPS).content.decode()
    assert f'href="{MPS}" aria-current="page"' in page
    assert f'href="{SCANS}"' not in page


def test_one_section_navigation_on_every_cyberx_page(client, org):
    """The threat-intelligence and awareness pages show the same navigation as the score pages (back to the
    overview), and nobody is offered a page that would refuse them."""
    officer = member(org, Role.SECURITY_OFFICER)
    client.force_login(officer)
    own = [
        OVERVIEW,
        ASSETS,
        SCANS,
        METHODOLOGY,
        reverse("cyber:alerts"),
        reverse("cyber:software"),
        reverse("cyber:awareness"),
    ]
    for path in own[4:]:
        page = client.get(path).content.decode()
        assert page.count('aria-label="CyberX-sider"') == 1
        assert all(f'href="{href}"' in page for href in own)
        assert f'href="{reverse("cyber:intel_imports")}"' not in page
    client.force_login(staff())
    page = client.get(reverse("cyber:intel_imports")).content.decode()
    shown = [
        MPS,
        METHODOLOGY,
        reverse("cyber:alerts"),
        reverse("cyber:intel_imports"),
        reverse("cyber:awareness_mps"),
    ]
    assert all(f'href="{href}"' in page for href in shown)
    for path in shown:
        assert client.get(path).status_code == 200
    for hidden in (SCANS, reverse("cyber:software"), reverse("cyber:awareness")):
        assert f'href="{hidden}"' not in page


@pytest.mark.parametrize(
    ("error", "text"),
    [
        ({"line": "3", "column": "kind", "message": "Ukjent type"}, "Linje 3, kolonne kind: Ukjent type"),
        ({"line": "4", "column": "", "message": "For mange kolonner"}, "Linje 4: For mange kolonner"),
        (
            {"line": "", "column": "", "message": "Høyst 5000 ressurser per fil."},
            "Høyst 5000 ressurser per fil.",
        ),
    ],
)
def test_import_errors_name_line_and_column(error, text):
    from marketplace.cyber.views.assets import import_error_text

    assert import_error_text(error) == text


# --- query counts --------------------------------------------------------------------------------------------


def test_pages_use_a_constant_number_of_queries(client, org, django_assert_max_num_queries):
    officer = member(org, Role.SECURITY_OFFICER)
    for day in range(1, 4):
        make_scan(org, score=60 + day, finished_at=dt.datetime(2026, 3, day, tzinfo=UTC), results=RESULTS)
    for n in range(6):
        make_scan(OrganisationFactory(kind=OrganisationKind.STATE), score=50 + n, grade="F")
    client.force_login(officer)
    client.get(OVERVIEW)  # warm-up: session, translations
    # session, user, memberships; latest scan, results, history, 2x2 for the peer groups, scan in progress, assets
    with django_assert_max_num_queries(12):
        assert client.get(OVERVIEW).status_code == 200
    latest = Scan.objects.filter(organisation=org).order_by("-finished_at").first()
    with django_assert_max_num_queries(6):
        assert client.get(reverse("cyber:scan_detail", args=[latest.pk])).status_code == 200
    client.force_login(staff())
    client.get(MPS)
    with django_assert_max_num_queries(6):
        assert client.get(MPS).status_code == 200


def test_overview_names_hosts_that_could_not_be_scanned_once(client, org):
    """Every counting check of www.borte.no (and its TLS endpoint) is ERROR: one line with the reason instead of a
    deduction per check with that check's advice; the scan page says it above the host's table."""
    nxdomain = {"error": "unresolvable", "detail": "[Errno -2] Name or service not known"}
    results = [
        *RESULTS,
        {
            "target": "www.borte.no",
            "check_id": "web.hsts",
            "category": "web_transport",
            "status": "error",
            "points": 0,
            "evidence": nxdomain,
        },
        {
            "target": "www.borte.no",
            "check_id": "web.csp",
            "category": "web_headers",
            "status": "error",
            "points": 0,
            "evidence": nxdomain,
        },
        {
            "target": "www.borte.no:443",
            "check_id": "tls.protocols",
            "category": "web_transport",
            "status": "error",
            "points": 0,
            "evidence": {"error": "resolve"},
        },
        {
            "target": "www.borte.no",
            "check_id": "web.cors",
            "category": "web_headers",
            "status": "error",
            "points": 0,
            "level": "recommended",
            "evidence": nxdomain,
        },
    ]
    scan = make_scan(org, score=40, grade="F", category_scores=CATEGORY_SCORES, results=results)
    client.force_login(member(org, Role.SECURITY_OFFICER))
    response = client.get(OVERVIEW)
    assert [(item.host, item.reason, item.checks) for item in response.context["unscannable"]] == [
        ("www.borte.no", "Navnet kunne ikke slås opp i DNS.", 3)
    ]
    assert [item.result.check_id for item in response.context["deductions"]] == ["web.csp", "web.hsts"]
    assert {item.result.target for item in response.context["deductions"]} == {"www.eksempel.no"}
    page = response.content.decode()
    assert "Disse ressursene kunne ikke skannes" in page
    assert "3 kontroller gir 0 poeng." in page

    detail = client.get(reverse("cyber:scan_detail", args=[scan.pk])).content.decode()
    assert "Ingen kontroll kunne kjøres:</strong> Navnet kunne ikke slås opp i DNS." in detail
    assert detail.count("Kontrollen kunne ikke kjøres:") == 0  # not repeated on every row of that host
