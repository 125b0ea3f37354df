"""Add N synthetic verified therapists, for benchmarks. Refused in production."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tandem.directory.generate import generate


class Command(BaseCommand):
    help = "Bulk-insert synthetic verified therapists (for benchmarks). Refused in production."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, required=True)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--batch-size", type=int, default=5000)

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("generate_therapists adds fictional people; refused in production.")
        if options["count"] < 1:
            raise CommandError("--count must be at least 1.")
        made = generate(
            options["count"],
            seed=options["seed"],
            batch_size=options["batch_size"],
            stdout=self.stdout,  # type: ignore[arg-type]
        )
        self.stdout.write(self.style.SUCCESS(f"Added {made:,} synthetic therapists."))
