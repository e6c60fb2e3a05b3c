from django.apps import AppConfig


class CyberConfig(AppConfig):
    name = "marketplace.cyber"
    label = "cyber"
    verbose_name = "CyberX"

    def ready(self) -> None:
        from marketplace.core import assets

        assets.stylesheet_register("cyber/cyber.css")
        assets.stylesheet_register("cyber/intel.css")
        # Registrations (demo data, page panels) are appended here, one line per area.
        from marketplace.cyber import demo as cyber_demo
        from marketplace.cyber import panels as cyber_panels

        cyber_panels.register()  # scores on the catalogue's supplier and service pages (pages area)
        cyber_demo.register()  # assets and finished scans for the demo organisations (pages area)
        from marketplace.cyber.demo_intel import register as register_intel_demo  # intel area

        register_intel_demo()

        import datetime as dt

        from marketplace.core import periodic
        from marketplace.cyber.services import posture
        from marketplace.cyber.services.intel import alerts_match
        from marketplace.cyber.services.scans import EXTRA_RESULTS, scans_schedule_due

        periodic.register("cyber.rescans", dt.timedelta(hours=1), scans_schedule_due)  # due rescans
        periodic.register("cyber.alerts", dt.timedelta(hours=6), alerts_match)  # KEV/STIX matches
        for provider in (posture.awareness_results, posture.intel_results):  # scored with every scan
            if provider not in EXTRA_RESULTS:
                EXTRA_RESULTS.append(provider)
