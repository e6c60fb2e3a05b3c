"""Insights pages under /innsikt/. Each area appends its block of paths."""

from django.urls import path  # noqa: F401

from marketplace.insights.views import notices as notices_views

app_name = "insights"

urlpatterns: list = [
    # statistics, goals and the programme board (statistics area); the public statistics page is named "index"
    # procurement notices and market analysis (notices area)
    path("kunngjoringer/", notices_views.notices_analysis, name="notices"),
    path("kunngjoringer/liste/", notices_views.notice_list, name="notice_list"),
    path("kunngjoringer/import/", notices_views.notices_import, name="notices_import"),
    path("kunngjoringer/<int:pk>/", notices_views.notice_detail, name="notice_detail"),
    path("kunngjoringer/<int:pk>/ocds.json", notices_views.notice_ocds, name="notice_ocds"),
    # knowledge base, Skyforum, expert groups, information meetings, annual survey (knowledge area)
]
