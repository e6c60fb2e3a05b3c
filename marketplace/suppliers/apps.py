from django.apps import AppConfig


class SuppliersConfig(AppConfig):
    name = "marketplace.suppliers"
    label = "suppliers"
    verbose_name = "Leverandørregister"
