"""Load demo content: safe to run again, it changes nothing that is already there.

Each app that has demo content offers ``<app>.demo.seed(stdout)``; this command calls every
one it finds among the installed apps, so a new app adds its demo content without touching
this file.
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Load Tandem's demo content (idempotent). Refused in production."

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("seed_demo adds fictional people and is refused in production.")
        for app_config in apps.get_app_configs():
            if not app_config.name.startswith("tandem."):
                continue
            module_name = f"{app_config.name}.demo"
            if importlib.util.find_spec(module_name) is None:
                continue
            module = importlib.import_module(module_name)
            module.seed(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo content is in place."))
