from django.urls import path  # noqa: F401

app_name = "finops"

urlpatterns: list = [
    # one block per area, appended
]
