"""CyberX pages under /cyberx/. Each area appends its block of paths."""

from django.urls import path

from marketplace.cyber.views import assets as asset_views
from marketplace.cyber.views import intel as intel_views  # intel area
from marketplace.cyber.views import methodology as methodology_views
from marketplace.cyber.views import mps as mps_views
from marketplace.cyber.views import overview as overview_views
from marketplace.cyber.views import scans as scan_views

app_name = "cyber"

urlpatterns: list = [
    # assets, scans, scores, methodology (core area)
    path("", overview_views.overview, name="overview"),
    path("virksomheter/<int:pk>/", overview_views.organisation_overview, name="organisation_overview"),
    path("ressurser/", asset_views.asset_list, name="assets"),
    path("ressurser/ny/", asset_views.asset_add, name="asset_add"),
    path("ressurser/import/", asset_views.asset_import, name="asset_import"),
    path("ressurser/<int:pk>/deaktiver/", asset_views.asset_deactivate, name="asset_deactivate"),
    path("ressurser/<int:pk>/finn-verter/", asset_views.asset_discover, name="asset_discover"),
    path("skanninger/", scan_views.scan_list, name="scans"),
    path("skanninger/ny/", scan_views.scan_start, name="scan_start"),
    path("skanninger/<int:pk>/", scan_views.scan_detail, name="scan_detail"),
    path("metode/", methodology_views.methodology, name="methodology"),
    path("mps/", mps_views.mps, name="mps"),
    # threat intelligence and awareness (intel area)
    path("varsler/", intel_views.alerts, name="alerts"),
    path("varsler/<int:pk>/status/", intel_views.alert_status, name="alert_status"),
    path("programvare/", intel_views.software, name="software"),
    path("programvare/<int:pk>/slett/", intel_views.software_delete, name="software_delete"),
    path("sarbarheter/<str:cve_id>/", intel_views.vulnerability, name="vulnerability"),
    path("trusselinformasjon/", intel_views.intel_imports, name="intel_imports"),
    path("trusselinformasjon/kev/", intel_views.kev_upload, name="kev_upload"),
    path("trusselinformasjon/stix/", intel_views.stix_upload, name="stix_upload"),
    path("opplaering/", intel_views.awareness, name="awareness"),
    path("opplaering/virksomheter/", intel_views.awareness_mps, name="awareness_mps"),
    path(
        "opplaering/virksomheter/<int:pk>/", intel_views.awareness_organisation, name="awareness_organisation"
    ),
]
