from django.urls import path

from marketplace.calloffs.views import common as common_views
from marketplace.calloffs.views import desk as desk_views
from marketplace.calloffs.views import direct as direct_views

app_name = "calloffs"

# Each area adds its routes here (one block per area: common, direct, desk, mini-competition, evaluation, award).
urlpatterns: list = []

# --- common ---
urlpatterns += [
    path("", common_views.calloff_list, name="list"),
    path("ny/", common_views.calloff_create, name="create"),
    path("<int:pk>/", common_views.calloff_detail, name="detail"),
    path("<int:pk>/endre/", common_views.calloff_edit_need, name="edit_need"),
    path("<int:pk>/avlys/", common_views.calloff_cancel, name="cancel"),
]

# --- direct ---
urlpatterns += [
    path("<int:pk>/direkte/svar/", direct_views.cascade_answer, name="direct_answer"),
    path("<int:pk>/direkte/begrunnelse/", direct_views.direct_justify, name="direct_justify"),
]

# --- desk ---
urlpatterns += [
    path("<int:pk>/skrivebord/beregning/", desk_views.desk_calculation, name="desk_calculation"),
    path("<int:pk>/skrivebord/beregning.csv", desk_views.desk_calculation_csv, name="desk_calculation_csv"),
    path("<int:pk>/skrivebord/grunnlag.json", desk_views.desk_inputs_download, name="desk_inputs_download"),
    path("<int:pk>/skrivebord/kurv/", desk_views.desk_basket, name="desk_basket"),
    path("<int:pk>/skrivebord/krav/", desk_views.desk_requirements, name="desk_requirements"),
    path("<int:pk>/skrivebord/beregn/", desk_views.desk_evaluate, name="desk_evaluate"),
]
