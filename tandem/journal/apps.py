from django.apps import AppConfig


class JournalConfig(AppConfig):
    name = "tandem.journal"
    label = "journal"
    verbose_name = "Journal"

    def ready(self) -> None:
        from tandem.accounts import personal_data
        from tandem.journal import services

        personal_data.register(
            "journal",
            export=services.export_commenter_data,
            erase=services.erase_commenter_data,
            title="Your comments on articles",
            description="What you wrote under articles, and whether you asked for reply emails.",
        )
