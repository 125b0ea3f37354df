from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "tandem.directory"
    label = "directory"
    verbose_name = "Therapist directory"

    def ready(self) -> None:
        from tandem.accounts import personal_data
        from tandem.directory import privacy

        personal_data.register(
            "therapist_profile",
            export=privacy.export_profile,
            erase=privacy.erase_profile,
            title="Your therapist profile",
            description=(
                "If you are a therapist: your profile, credentials and fees. If you check "
                "therapists' credentials: the decisions you made."
            ),
        )
