from django.apps import AppConfig


class BookingConfig(AppConfig):
    name = "tandem.booking"
    label = "booking"
    verbose_name = "Booking"

    def ready(self) -> None:
        from tandem.accounts import personal_data
        from tandem.booking import background, metrics, privacy, soonest, tasks
        from tandem.directory import hooks
        from tandem.lib.metrics import register_gauge

        background.connect(tasks.WORKER)
        personal_data.register(
            "bookings", export=privacy.export_bookings, erase=privacy.erase_bookings
        )
        hooks.register_soonest_sort(soonest.order_by_soonest_free_slot)
        register_gauge(metrics.bookings_by_status)
