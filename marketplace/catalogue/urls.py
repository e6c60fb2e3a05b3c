from django.urls import path

from marketplace.catalogue import views

app_name = "catalogue"
urlpatterns = [
    path("", views.service_list, name="service_list"),
    path("<int:pk>/", views.service_detail, name="service_detail"),
    path("rammeavtaler/", views.framework_list, name="framework_list"),
    path("rammeavtaler/<int:pk>/", views.framework_detail, name="framework_detail"),
    path("kortlister/", views.shortlist_list, name="shortlist_list"),
]
