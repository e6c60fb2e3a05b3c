"""Privacy and terms pages under /personvern/. Each area appends its block of paths."""

from django.urls import path

from marketplace.privacy.views import assessments as assessment_views  # assessments area
from marketplace.privacy.views import exit as exit_views  # terms area
from marketplace.privacy.views import terms as terms_views  # terms area
from marketplace.privacy.views import usage as usage_views  # terms area

app_name = "privacy"

urlpatterns: list = [
    # GDPR/transfer assessments (assessments area); its list page is named "index"
    path("", assessment_views.assessment_list_view, name="index"),
    path("vurderinger/ny/", assessment_views.assessment_start_view, name="assessment_start"),
    path("vurderinger/<int:pk>/", assessment_views.assessment_detail_view, name="assessment_detail"),
    path("vurderinger/<int:pk>/endre/", assessment_views.assessment_edit_view, name="assessment_edit"),
    path("vurderinger/<int:pk>/risiko/", assessment_views.assessment_risk_view, name="assessment_risk"),
    path(
        "vurderinger/<int:pk>/risiko/<slug:event>/",
        assessment_views.assessment_risk_edit_view,
        name="assessment_risk_edit",
    ),
    path("vurderinger/<int:pk>/status/", assessment_views.assessment_state_view, name="assessment_state"),
    path("vurderinger/<int:pk>/pdf/", assessment_views.assessment_pdf_view, name="assessment_pdf"),
    path("vurderinger/<int:pk>/json/", assessment_views.assessment_json_view, name="assessment_json"),
    path(
        "vurderinger/<int:pk>/<slug:kind>/ny/",
        assessment_views.assessment_row_add_view,
        name="assessment_row_add",
    ),
    path(
        "vurderinger/<int:pk>/<slug:kind>/<int:row_id>/endre/",
        assessment_views.assessment_row_edit_view,
        name="assessment_row_edit",
    ),
    path(
        "vurderinger/<int:pk>/<slug:kind>/<int:row_id>/slett/",
        assessment_views.assessment_row_delete_view,
        name="assessment_row_delete",
    ),
    path("statistikk/", assessment_views.assessment_statistics_view, name="assessment_statistics"),
    # balanced terms, exit and lock-in (terms area)
    path("vilkar/", terms_views.terms_index, name="terms_index"),
    path("vilkar/standardavtale/", terms_views.ssa_guidance, name="terms_ssa"),
    path("vilkar/rammeavtaler/<int:pk>/balanse/", terms_views.framework_balance, name="terms_balance"),
    path("vilkar/kontrakter/<int:pk>/", terms_views.contract_terms, name="terms_contract"),
    path("tjenester-i-bruk/", usage_views.usage_list, name="usage_list"),
    path("tjenester-i-bruk/ny/", usage_views.usage_add, name="usage_add"),
    path("tjenester-i-bruk/<int:pk>/", usage_views.usage_detail, name="usage_detail"),
    path("tjenester-i-bruk/<int:pk>/avslutt/", usage_views.usage_end, name="usage_end"),
    path("tjenester-i-bruk/<int:pk>/vilkar/", terms_views.usage_terms, name="usage_terms"),
    path("tjenester-i-bruk/<int:pk>/exit-plan/", exit_views.exit_plan_edit, name="exit_plan"),
    path("tjenester-i-bruk/<int:pk>/exit-kostnad/", exit_views.exit_estimate, name="exit_estimate"),
    path("exit/", exit_views.exit_overview, name="exit_overview"),
]
