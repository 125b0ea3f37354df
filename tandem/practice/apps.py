from django.apps import AppConfig


class PracticeConfig(AppConfig):
    name = "tandem.practice"
    label = "practice"
    verbose_name = "Practice"

    def ready(self) -> None:
        from tandem.accounts import personal_data
        from tandem.practice import privacy

        personal_data.register(
            "sharing_with_therapists",
            export=privacy.export_sharing,
            erase=privacy.erase_sharing,
        )
