from django.apps import AppConfig


class FinopsConfig(AppConfig):
    name = "marketplace.finops"
    label = "finops"
    verbose_name = "FinOps"

    def ready(self) -> None:
        # Registrations (demo data, page panels) are appended here, one line per area.
        pass
