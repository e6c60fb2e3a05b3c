"""CyberX pages under /cyberx/. Each area appends its block of paths."""

from django.urls import path  # noqa: F401

app_name = "cyber"

urlpatterns: list = [
    # assets, scans, scores, methodology (core area)
    # threat intelligence and awareness (intel area)
]
