from django.apps import AppConfig


class FinopsConfig(AppConfig):
    name = "marketplace.finops"
    label = "finops"
    verbose_name = "FinOps"

    def ready(self) -> None:
        # Registrations (demo data, page panels) are appended here, one line per area.
        from marketplace.finops.demo import register as register_ingest_demo  # ingest: demo cost data

        register_ingest_demo()
