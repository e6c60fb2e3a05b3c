from django.apps import AppConfig


class SuppliersConfig(AppConfig):
    name = "marketplace.suppliers"
    label = "suppliers"
    verbose_name = "Leverandørregister"

    def ready(self) -> None:
        from marketplace.core import demo as core_demo
        from marketplace.suppliers import demo

        core_demo.register("suppliers", demo.seed, order=30)
