from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The site shell: home page, crisis help, the page for therapists, the health check."""

    name = "tandem.core"
    label = "core"
