from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "marketplace.accounts"
    label = "accounts"
    verbose_name = "Virksomheter og brukere"

    def ready(self) -> None:
        from marketplace.accounts import demo
        from marketplace.core import demo as core_demo

        core_demo.register("accounts", demo.seed, order=10)
