from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "tandem.assessments"
    label = "assessments"
    verbose_name = "Checks"

    def ready(self) -> None:
        from tandem.accounts import personal_data
        from tandem.assessments import metrics, services
        from tandem.lib.metrics import register_gauge

        personal_data.register(
            "assessments",
            export=services.export_responses,
            erase=services.erase_responses,
        )
        personal_data.register(
            "assessments_fhir",
            export=services.export_results_fhir,
            erase=services.erase_nothing_more,
        )
        register_gauge(metrics.checks_completed)
