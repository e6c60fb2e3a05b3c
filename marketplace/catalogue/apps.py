from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "marketplace.catalogue"
    label = "catalogue"
    verbose_name = "Tjenesteregister"

    def ready(self) -> None:
        from marketplace.catalogue import demo
        from marketplace.core import demo as core_demo

        core_demo.register("catalogue", demo.seed, order=20)

        def seed_search_index(result: core_demo.DemoResult) -> None:
            """After all demo data: index every published service (idempotent: rebuilds the index)."""
            from marketplace.catalogue.search import services_reindex

            result.counts["search_index"] = services_reindex()

        core_demo.register("catalogue-search-index", seed_search_index, order=900)
