from django.urls import path  # noqa: F401

app_name = "calloffs"

# Each area adds its routes here (one block per area: common, direct, desk, mini-competition, evaluation, award).
urlpatterns: list = []
