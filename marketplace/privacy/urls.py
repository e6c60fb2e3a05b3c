"""Privacy and terms pages under /personvern/. Each area appends its block of paths."""

from django.urls import path  # noqa: F401

app_name = "privacy"

urlpatterns: list = [
    # GDPR/transfer assessments (assessments area); its list page is named "index"
    # balanced terms, exit and lock-in (terms area)
]
