from django.urls import path

from marketplace.suppliers import views

app_name = "suppliers"
urlpatterns = [
    path("", views.supplier_list, name="supplier_list"),
    path("<int:pk>/", views.supplier_detail, name="supplier_detail"),
    path("<int:pk>/forhandlere/", views.reseller_create, name="reseller_create"),
    path("<int:pk>/forhandlere/<int:reseller_pk>/avslutt/", views.reseller_end, name="reseller_end"),
    path("<int:pk>/mou/", views.mou_create, name="mou_create"),
]
