from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "marketplace.insights"
    label = "insights"
    verbose_name = "Innsikt"

    def ready(self) -> None:
        # Registrations (demo data, periodic jobs) are appended here, one block per area.
        pass
        # statistics area: demo programme board and historical call-offs for the statistics pages
        from marketplace.insights import demo_programmes, demo_statistics

        demo_programmes.register()
        demo_statistics.register()
