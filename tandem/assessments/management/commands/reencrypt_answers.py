from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tandem.assessments import services


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored answer and result with the newest key of "
        "FIELD_ENCRYPTION_KEYS. Put the new key first, run this, then drop the old key. "
        "Safe to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args: Any, **options: Any) -> None:
        counts = services.reencrypt_responses(batch_size=max(1, options["batch_size"]))
        self.stdout.write(
            f"Re-encrypted {counts.ciphertexts} ciphertext(s) in {counts.responses} response(s) "
            "under the newest key."
        )
