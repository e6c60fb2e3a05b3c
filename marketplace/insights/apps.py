from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "marketplace.insights"
    label = "insights"
    verbose_name = "Innsikt"

    def ready(self) -> None:
        from marketplace.core import assets

        assets.stylesheet_register("insights/statistics.css")
        # Registrations (demo data, periodic jobs) are appended here, one block per area.
        # notices area: SDK examples and generated Norwegian notices in the demo
        from marketplace.insights import demo_notices

        demo_notices.register()
        from marketplace.insights.demo_knowledge import register as register_knowledge_demo  # knowledge area

        register_knowledge_demo()
        # statistics area: demo programme board and historical call-offs for the statistics pages
        from marketplace.insights import demo_programmes, demo_statistics

        demo_programmes.register()
        demo_statistics.register()
