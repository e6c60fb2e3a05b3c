"""Privacy and terms pages under /personvern/. Each area appends its block of paths."""

from django.urls import path

from marketplace.privacy.views import exit as exit_views  # terms area
from marketplace.privacy.views import terms as terms_views  # terms area
from marketplace.privacy.views import usage as usage_views  # terms area

app_name = "privacy"

urlpatterns: list = [
    # GDPR/transfer assessments (assessments area); its list page is named "index"
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
