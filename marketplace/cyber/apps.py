from django.apps import AppConfig


class CyberConfig(AppConfig):
    name = "marketplace.cyber"
    label = "cyber"
    verbose_name = "CyberX"

    def ready(self) -> None:
        # Registrations (demo data, page panels) are appended here, one line per area.
        from marketplace.cyber.demo_intel import register as register_intel_demo  # intel area

        register_intel_demo()
