from django.urls import path

from marketplace.catalogue.views import frameworks, search, shortlists

app_name = "catalogue"
urlpatterns = [
    path("", search.service_list, name="service_list"),
    path("<int:pk>/", search.service_detail, name="service_detail"),
    path("sammenlign/", search.service_compare, name="service_compare"),
    path("rammeavtaler/", frameworks.framework_list, name="framework_list"),
    path("rammeavtaler/<int:pk>/", frameworks.framework_detail, name="framework_detail"),
    path("kortlister/", shortlists.shortlist_list, name="shortlist_list"),
]
