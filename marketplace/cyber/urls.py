"""CyberX pages under /cyberx/. Each area appends its block of paths."""

from django.urls import path

from marketplace.cyber.views import intel as intel_views  # intel area

app_name = "cyber"

urlpatterns: list = [
    # assets, scans, scores, methodology (core area)
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
