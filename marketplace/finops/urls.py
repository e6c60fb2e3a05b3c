from django.urls import path  # noqa: F401

app_name = "finops"

urlpatterns: list = [
    # one block per area, appended
]

# pages: dashboard and MPS aggregates
from django.urls import path as pages_path  # noqa: E402

from marketplace.finops.views import dashboard as dashboard_views  # noqa: E402
from marketplace.finops.views import mps as mps_views  # noqa: E402

urlpatterns += [
    pages_path("", dashboard_views.dashboard, name="dashboard"),
    pages_path("mps/", mps_views.mps, name="mps"),
]
