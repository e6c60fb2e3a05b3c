from django.apps import AppConfig


class FinopsConfig(AppConfig):
    name = "marketplace.finops"
    label = "finops"
    verbose_name = "FinOps"

    def ready(self) -> None:
        from marketplace.core import assets

        assets.stylesheet_register("finops/finops.css")
        # Registrations (demo data, page panels) are appended here, one line per area.
        from marketplace.finops.demo import register as register_ingest_demo  # ingest: demo cost data

        register_ingest_demo()

        import datetime as dt

        from marketplace.core import periodic
        from marketplace.finops.services.budgets import budgets_check
        from marketplace.finops.services.recovery import finops_imports_recover

        periodic.register("finops.budgets", dt.timedelta(hours=1), budgets_check)  # budget alerts
        periodic.register("finops.stale_imports", dt.timedelta(hours=1), finops_imports_recover)

        from marketplace.finops.demo_settings import (
            register as register_settings_demo,  # showback, budgets, seats
        )

        register_settings_demo()
