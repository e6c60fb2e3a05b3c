"""Insights pages under /innsikt/. Each area appends its block of paths."""

from django.urls import path  # noqa: F401

app_name = "insights"

urlpatterns: list = [
    # statistics, goals and the programme board (statistics area); the public statistics page is named "index"
    # procurement notices and market analysis (notices area)
    # knowledge base, Skyforum, expert groups, information meetings, annual survey (knowledge area)
]
