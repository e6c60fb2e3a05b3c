from django.urls import path

app_name = "calloffs"

# Each area adds its routes here (one block per area: common, direct, desk, mini-competition, evaluation, award).
urlpatterns: list = []

# --- desk ---
from marketplace.calloffs.views import desk as desk_views  # noqa: E402

urlpatterns += [
    path("<int:pk>/skrivebord/beregning/", desk_views.desk_calculation, name="desk_calculation"),
    path("<int:pk>/skrivebord/beregning.csv", desk_views.desk_calculation_csv, name="desk_calculation_csv"),
    path("<int:pk>/skrivebord/grunnlag.json", desk_views.desk_inputs_download, name="desk_inputs_download"),
    path("<int:pk>/skrivebord/kurv/", desk_views.desk_basket, name="desk_basket"),
    path("<int:pk>/skrivebord/krav/", desk_views.desk_requirements, name="desk_requirements"),
    path("<int:pk>/skrivebord/beregn/", desk_views.desk_evaluate, name="desk_evaluate"),
]
