from django.apps import AppConfig


class CouplesConfig(AppConfig):
    name = "tandem.couples"
    label = "couples"
    verbose_name = "Couples"

    def ready(self) -> None:
        from tandem.accounts import personal_data
        from tandem.booking import hooks
        from tandem.couples import privacy, services

        personal_data.register(
            "couples", export=privacy.export_couples, erase=privacy.erase_couples
        )
        hooks.register_couple_partner(services.current_partner)
