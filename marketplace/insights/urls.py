"""Insights pages under /innsikt/. Each area appends its block of paths."""

from django.urls import path

from marketplace.insights.views import programmes as programme_views  # statistics area
from marketplace.insights.views import statistics as statistics_views  # statistics area

app_name = "insights"

urlpatterns: list = [
    # statistics, goals and the programme board (statistics area); the public statistics page is named "index"
    path("", statistics_views.index, name="index"),
    path("statistikk/", statistics_views.full, name="statistics_full"),
    path("mal/", statistics_views.goals, name="goals"),
    path("programmer/", programme_views.board, name="programmes"),
    path("programmer/<slug:slug>/endre/", programme_views.edit, name="programme_edit"),
    path("programmer/<slug:slug>/faser/ny/", programme_views.phase_add, name="programme_phase_add"),
    path(
        "programmer/<slug:slug>/faser/<int:pk>/endre/",
        programme_views.phase_edit,
        name="programme_phase_edit",
    ),
    path(
        "programmer/<slug:slug>/faser/<int:pk>/fjern/",
        programme_views.phase_delete,
        name="programme_phase_delete",
    ),
    # procurement notices and market analysis (notices area)
    # knowledge base, Skyforum, expert groups, information meetings, annual survey (knowledge area)
]
