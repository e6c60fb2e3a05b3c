from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "marketplace.privacy"
    label = "privacy"
    verbose_name = "Personvern og vilkår"

    def ready(self) -> None:
        from marketplace.core import assets

        assets.stylesheet_register("privacy/assessments.css")
        # Registrations (demo data, page panels, hooks, periodic jobs) are appended here, one block per area.
        # assessments area: service-page panel, demo data, catalogue changes flag assessments for review
        from marketplace.core import hooks
        from marketplace.privacy import demo_assessments, panels_assessments
        from marketplace.privacy.services.assessments import on_service_changed

        panels_assessments.register()
        demo_assessments.register()
        hooks.subscribe(hooks.SERVICE_CHANGED, on_service_changed)
        # terms area: exit panel on the catalogue's service page, demo checks, services in use and exit plans
        from marketplace.privacy import demo_terms, panels_terms

        panels_terms.register()
        demo_terms.register()
        # a signed call-off contract registers the called-off service as a service in use
        from marketplace.privacy.services.usage import on_contract_signed

        hooks.subscribe(hooks.CONTRACT_SIGNED, on_contract_signed)
