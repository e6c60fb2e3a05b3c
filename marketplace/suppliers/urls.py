from django.urls import path

from marketplace.suppliers import views

app_name = "suppliers"
urlpatterns = [
    path("", views.supplier_list, name="supplier_list"),
]
