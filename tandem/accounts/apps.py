from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "tandem.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from tandem.accounts import access_log, personal_data

        personal_data.register(
            "account",
            export=personal_data.export_account,
            erase=personal_data.erase_account_extras,
        )
        personal_data.register(
            "access_log",
            export=access_log.export_access_log,
            erase=access_log.erase_access_log,
        )
