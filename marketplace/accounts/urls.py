from django.urls import path

from marketplace.accounts import oidc, views

app_name = "accounts"
urlpatterns = [
    path("logg-inn/", views.LoginView.as_view(), name="login"),
    path("logg-ut/", views.LogoutView.as_view(), name="logout"),
    path("passord/", views.PasswordChangeView.as_view(), name="password_change"),
    path("profil/", views.profile, name="profile"),
    path("profil/api-nokler/", views.api_token_create, name="api_token_create"),
    path("profil/api-nokler/<int:pk>/trekk-tilbake/", views.api_token_revoke, name="api_token_revoke"),
    path("virksomhet/", views.organisation_choose, name="organisation_choose"),
    # OIDC (ID-porten style): both answer 404 unless MPS_OIDC_ENABLED=1 (checked per request).
    path("oidc/start/", oidc.OidcStartView.as_view(), name="oidc_start"),
    path("oidc/tilbake/", oidc.OidcCallbackView.as_view(), name="oidc_callback"),
]
