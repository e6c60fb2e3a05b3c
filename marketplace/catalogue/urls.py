from django.urls import path

from marketplace.catalogue.views import frameworks, listings, search, shortlists

app_name = "catalogue"
urlpatterns = [
    path("", search.service_list, name="service_list"),
    path("<int:pk>/", search.service_detail, name="service_detail"),
    path("sammenlign/", search.service_compare, name="service_compare"),
    path("rammeavtaler/", frameworks.framework_list, name="framework_list"),
    path("rammeavtaler/<int:pk>/", frameworks.framework_detail, name="framework_detail"),
    # listings
    path("mine/", listings.service_mine, name="service_mine"),
    path("ny/", listings.service_create, name="service_create"),
    path("<int:pk>/rediger/", listings.service_edit, name="service_edit"),
    path("<int:pk>/send-inn/", listings.service_submit, name="service_submit"),
    path("<int:pk>/trekk-tilbake/", listings.service_withdraw, name="service_withdraw"),
    path("<int:pk>/versjoner/", listings.version_list, name="version_list"),
    path("<int:pk>/versjoner/<int:number>/", listings.version_detail, name="version_detail"),
    path("godkjenning/", listings.approval_queue, name="approval_queue"),
    path("godkjenning/<int:pk>/", listings.approval_detail, name="approval_detail"),
    path("godkjenning/<int:pk>/godkjenn/", listings.service_approve, name="service_approve"),
    path("godkjenning/<int:pk>/returner/", listings.service_return, name="service_return"),
    # shortlists
    path("kortlister/", shortlists.shortlist_list, name="shortlist_list"),
    path("kortlister/legg-til/", shortlists.shortlist_add, name="shortlist_add"),
    path("kortlister/<int:pk>/", shortlists.shortlist_detail, name="shortlist_detail"),
    path(
        "kortlister/<int:pk>/fjern/<int:item_pk>/",
        shortlists.shortlist_item_remove,
        name="shortlist_item_remove",
    ),
    path(
        "kortlister/<int:pk>/merknad/<int:item_pk>/",
        shortlists.shortlist_item_note,
        name="shortlist_item_note",
    ),
    path("kortlister/<int:pk>/eksport/", shortlists.shortlist_export, name="shortlist_export"),
    path(
        "kortlister/<int:pk>/eksport/<int:snapshot_pk>/",
        shortlists.shortlist_snapshot_download,
        name="shortlist_snapshot_download",
    ),
]
