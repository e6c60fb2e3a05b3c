from django.urls import path

from marketplace.calloffs.views import common as common_views
from marketplace.calloffs.views import direct as direct_views

app_name = "calloffs"

# Each area adds its routes here (one block per area: common, direct, desk, mini-competition, evaluation, award).
urlpatterns: list = []

# --- common ---
urlpatterns += [
    path("", common_views.calloff_list, name="list"),
    path("ny/", common_views.calloff_create, name="create"),
    path("<int:pk>/", common_views.calloff_detail, name="detail"),
    path("<int:pk>/avlys/", common_views.calloff_cancel, name="cancel"),
]

# --- direct ---
urlpatterns += [
    path("<int:pk>/direkte/svar/", direct_views.cascade_answer, name="direct_answer"),
    path("<int:pk>/direkte/begrunnelse/", direct_views.direct_justify, name="direct_justify"),
]
