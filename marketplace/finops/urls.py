from django.urls import path

from marketplace.finops.views import commitments as commitments_views
from marketplace.finops.views import optimise as optimise_views
from marketplace.finops.views import showback as showback_views

app_name = "finops"

urlpatterns: list = [
    # one block per area, appended
    # report (showback, commitments)
    path("fordeling/", showback_views.showback, name="showback"),
    path("forpliktelser/", commitments_views.commitments, name="commitments"),
]

# budgets, alerts, anomalies
from marketplace.finops.views import anomalies as anomaly_views  # noqa: E402
from marketplace.finops.views import budgets as budget_views  # noqa: E402

urlpatterns += [
    path("budsjett/", budget_views.budget_list_view, name="budgets"),
    path("budsjett/ny/", budget_views.budget_create_view, name="budget_create"),
    path("budsjett/<int:pk>/", budget_views.budget_detail_view, name="budget_detail"),
    path("budsjett/<int:pk>/endre/", budget_views.budget_edit_view, name="budget_edit"),
    path("budsjett/<int:pk>/slett/", budget_views.budget_delete_view, name="budget_delete"),
    path("avvik/", anomaly_views.anomaly_list_view, name="anomalies"),
]

# pages: dashboard and MPS aggregates
from django.urls import path as pages_path  # noqa: E402

from marketplace.finops.views import dashboard as dashboard_views  # noqa: E402
from marketplace.finops.views import mps as mps_views  # noqa: E402

urlpatterns += [
    pages_path("", dashboard_views.dashboard, name="dashboard"),
    pages_path("mps/", mps_views.mps, name="mps"),
    # optimise: licences, carbon, price compliance, unit costs, workload
    path("lisenser/", optimise_views.licences, name="licences"),
    path("klima/", optimise_views.carbon, name="carbon"),
    path("priskontroll/", optimise_views.prices, name="prices"),
    path("enhetskostnader/", optimise_views.unit_costs_page, name="unit_costs"),
    path("ressurser/", optimise_views.workload, name="workload"),
]
