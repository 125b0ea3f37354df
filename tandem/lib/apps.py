from django.apps import AppConfig


class LibConfig(AppConfig):
    """Helpers more than one app shares: settings helpers, security headers, encryption."""

    name = "tandem.lib"
    label = "tandem_lib"

    def ready(self) -> None:
        # Registers the request-latency histogram with the request log middleware.
        from tandem.lib import metrics  # noqa: F401
