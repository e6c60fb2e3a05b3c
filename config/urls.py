from django.contrib import admin
from django.urls import include, path

from marketplace.api import api
from marketplace.catalogue.views.frameworks import home

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("konto/", include("marketplace.accounts.urls")),
    path("tjenester/", include("marketplace.catalogue.urls")),
    path("leverandorer/", include("marketplace.suppliers.urls")),
    path("avrop/", include("marketplace.calloffs.urls")),
    path("finops/", include("marketplace.finops.urls")),
    path("cyberx/", include("marketplace.cyber.urls")),
    path("personvern/", include("marketplace.privacy.urls")),
    path("innsikt/", include("marketplace.insights.urls")),
    path("", home, name="home"),
    path("", include("marketplace.core.urls")),
]

handler403 = "marketplace.core.views.handler403"
handler404 = "marketplace.core.views.handler404"
