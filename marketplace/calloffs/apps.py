from django.apps import AppConfig


class CalloffsConfig(AppConfig):
    name = "marketplace.calloffs"
    label = "calloffs"
    verbose_name = "Avrop"

    def ready(self) -> None:
        from marketplace.calloffs import demo
        from marketplace.core import demo as core_demo

        core_demo.register("calloffs", demo.seed, order=40)

        import datetime as dt

        from marketplace.calloffs.services.reminders import calloffs_reminders_sweep
        from marketplace.core import periodic

        periodic.register("calloffs.reminders", dt.timedelta(minutes=15), calloffs_reminders_sweep)
