from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "marketplace.catalogue"
    label = "catalogue"
    verbose_name = "Tjenesteregister"
