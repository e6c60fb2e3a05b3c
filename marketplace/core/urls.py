from django.urls import path

from marketplace.core import views

app_name = "core"
urlpatterns = [
    path("tilgjengelighet/", views.accessibility, name="accessibility"),
    path("healthz", views.healthz, name="healthz"),
]
