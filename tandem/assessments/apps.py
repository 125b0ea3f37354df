from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "tandem.assessments"
    label = "assessments"
    verbose_name = "Checks"

    def ready(self) -> None:
        from tandem.accounts import personal_data
        from tandem.assessments import services

        personal_data.register(
            "assessments",
            export=services.export_responses,
            erase=services.erase_responses,
            title="Your answers and results",
            description="Every check you started or finished, with your answers and scores.",
        )
