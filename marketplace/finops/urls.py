from django.urls import path

from marketplace.finops.views import optimise as optimise_views

app_name = "finops"

urlpatterns: list = [
    # one block per area, appended
    # optimise: licences, carbon, price compliance, unit costs, workload
    path("lisenser/", optimise_views.licences, name="licences"),
    path("klima/", optimise_views.carbon, name="carbon"),
    path("priskontroll/", optimise_views.prices, name="prices"),
    path("enhetskostnader/", optimise_views.unit_costs_page, name="unit_costs"),
    path("ressurser/", optimise_views.workload, name="workload"),
]
