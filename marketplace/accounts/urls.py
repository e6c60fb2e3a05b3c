from django.urls import path

from marketplace.accounts import views

app_name = "accounts"
urlpatterns = [
    path("logg-inn/", views.LoginView.as_view(), name="login"),
    path("logg-ut/", views.LogoutView.as_view(), name="logout"),
    path("passord/", views.PasswordChangeView.as_view(), name="password_change"),
    path("profil/", views.profile, name="profile"),
    path("virksomhet/", views.organisation_choose, name="organisation_choose"),
]
