from django.urls import path

app_name = "finops"

urlpatterns: list = [
    # one block per area, appended
]

# ingest: imports, upload, progress
from marketplace.finops.views import imports as imports_views  # noqa: E402

urlpatterns += [
    path("importer/", imports_views.import_list, name="imports"),
    path("importer/ny/", imports_views.upload, name="upload"),
    path("importer/<int:pk>/", imports_views.import_detail, name="import_detail"),
    path("importer/<int:pk>/status/", imports_views.import_status, name="import_status"),
]
