from django.urls import path

from marketplace.finops.views import allocation as allocation_views
from marketplace.finops.views import anomalies as anomaly_views
from marketplace.finops.views import budgets as budget_views
from marketplace.finops.views import commitments as commitments_views
from marketplace.finops.views import dashboard as dashboard_views
from marketplace.finops.views import imports as imports_views
from marketplace.finops.views import mps as mps_views
from marketplace.finops.views import mps_aggregates as mps_aggregate_views
from marketplace.finops.views import optimise as optimise_views
from marketplace.finops.views import settings as settings_views
from marketplace.finops.views import showback as showback_views

app_name = "finops"

urlpatterns = [
    # dashboard and MPS aggregates
    path("", dashboard_views.dashboard, name="dashboard"),
    path("mps/", mps_views.mps, name="mps"),
    path("mps/budsjett/", mps_aggregate_views.mps_budgets, name="mps_budgets"),
    path("mps/avvik/", mps_aggregate_views.mps_anomalies, name="mps_anomalies"),
    path("mps/lisenser/", mps_aggregate_views.mps_licences, name="mps_licences"),
    # imports, upload, progress
    path("importer/", imports_views.import_list, name="imports"),
    path("importer/ny/", imports_views.upload, name="upload"),
    path("importer/<int:pk>/", imports_views.import_detail, name="import_detail"),
    path("importer/<int:pk>/status/", imports_views.import_status, name="import_status"),
    # showback, commitments
    path("fordeling/", showback_views.showback, name="showback"),
    path("forpliktelser/", commitments_views.commitments, name="commitments"),
    # showback settings: edit one cost centre or rule (add and remove are on the showback page)
    path(
        "fordeling/kostnadssted/<int:pk>/endre/",
        allocation_views.cost_centre_edit_view,
        name="cost_centre_edit",
    ),
    path(
        "fordeling/regel/<int:pk>/endre/",
        allocation_views.allocation_rule_edit_view,
        name="allocation_rule_edit",
    ),
    path("fordeling/felles/<int:pk>/endre/", allocation_views.shared_rule_edit_view, name="shared_rule_edit"),
    # budgets, alerts, anomalies
    path("budsjett/", budget_views.budget_list_view, name="budgets"),
    path("budsjett/ny/", budget_views.budget_create_view, name="budget_create"),
    path("budsjett/<int:pk>/", budget_views.budget_detail_view, name="budget_detail"),
    path("budsjett/<int:pk>/endre/", budget_views.budget_edit_view, name="budget_edit"),
    path("budsjett/<int:pk>/slett/", budget_views.budget_delete_view, name="budget_delete"),
    path("avvik/", anomaly_views.anomaly_list_view, name="anomalies"),
    # licences, carbon, price compliance, unit costs, workload
    path("lisenser/", optimise_views.licences, name="licences"),
    path("klima/", optimise_views.carbon, name="carbon"),
    path("priskontroll/", optimise_views.prices, name="prices"),
    path("enhetskostnader/", optimise_views.unit_costs_page, name="unit_costs"),
    path("ressurser/", optimise_views.workload, name="workload"),
    # settings that were CLI-only: licence prices, SKU mappings, exchange rates (MPS)
    path("lisenser/priser/", settings_views.licence_price_view, name="licence_price"),
    path("priskontroll/sku/", settings_views.sku_mapping_view, name="sku_mappings"),
    path("valutakurser/", settings_views.rates_view, name="rates"),
]
