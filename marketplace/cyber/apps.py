from django.apps import AppConfig


class CyberConfig(AppConfig):
    name = "marketplace.cyber"
    label = "cyber"
    verbose_name = "CyberX"

    def ready(self) -> None:
        # Registrations (demo data, page panels) are appended here, one line per area.
        from marketplace.cyber import demo as cyber_demo
        from marketplace.cyber import panels as cyber_panels

        cyber_panels.register()  # scores on the catalogue's supplier and service pages (pages area)
        cyber_demo.register()  # assets and finished scans for the demo organisations (pages area)
