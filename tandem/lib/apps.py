from django.apps import AppConfig


class LibConfig(AppConfig):
    """Helpers more than one app shares: settings helpers, security headers, encryption."""

    name = "tandem.lib"
    label = "tandem_lib"
