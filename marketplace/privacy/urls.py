"""Privacy and terms pages under /personvern/. Each area appends its block of paths."""

from django.urls import path

from marketplace.privacy.views import assessments as assessment_views  # assessments area

app_name = "privacy"

urlpatterns: list = [
    # GDPR/transfer assessments (assessments area); its list page is named "index"
    path("", assessment_views.assessment_list_view, name="index"),
    path("vurderinger/ny/", assessment_views.assessment_start_view, name="assessment_start"),
    path("vurderinger/<int:pk>/", assessment_views.assessment_detail_view, name="assessment_detail"),
    path("vurderinger/<int:pk>/endre/", assessment_views.assessment_edit_view, name="assessment_edit"),
    path("vurderinger/<int:pk>/risiko/", assessment_views.assessment_risk_view, name="assessment_risk"),
    path("vurderinger/<int:pk>/status/", assessment_views.assessment_state_view, name="assessment_state"),
    path("vurderinger/<int:pk>/pdf/", assessment_views.assessment_pdf_view, name="assessment_pdf"),
    path(
        "vurderinger/<int:pk>/<slug:kind>/ny/",
        assessment_views.assessment_row_add_view,
        name="assessment_row_add",
    ),
    path(
        "vurderinger/<int:pk>/<slug:kind>/<int:row_id>/slett/",
        assessment_views.assessment_row_delete_view,
        name="assessment_row_delete",
    ),
    path("statistikk/", assessment_views.assessment_statistics_view, name="assessment_statistics"),
    # balanced terms, exit and lock-in (terms area)
]
