from django.urls import path

from marketplace.finops.views import commitments as commitments_views
from marketplace.finops.views import showback as showback_views

app_name = "finops"

urlpatterns: list = [
    # one block per area, appended
    # report (showback, commitments)
    path("fordeling/", showback_views.showback, name="showback"),
    path("forpliktelser/", commitments_views.commitments, name="commitments"),
]
