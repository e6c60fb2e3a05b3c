from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "marketplace.privacy"
    label = "privacy"
    verbose_name = "Personvern og vilkår"

    def ready(self) -> None:
        # Registrations (demo data, page panels, hooks, periodic jobs) are appended here, one block per area.
        pass
