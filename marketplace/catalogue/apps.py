from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "marketplace.catalogue"
    label = "catalogue"
    verbose_name = "Tjenesteregister"

    def ready(self) -> None:
        from marketplace.catalogue import demo
        from marketplace.core import demo as core_demo

        core_demo.register("catalogue", demo.seed, order=20)
