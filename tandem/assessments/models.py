"""A person's answers to one check, kept encrypted, and the result they led to.

Answers and results are personal data about relationships and safety, so both are stored
as Fernet tokens (``tandem.lib.crypto``). Only what the history chart needs sits beside
them in the clear: each scale's 0-100 score. Safety answers and flags are never stored in
the clear.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from tandem.lib import crypto

#: Anonymous responses nobody claimed are deleted this long after they were last touched.
ANONYMOUS_RETENTION = timedelta(days=7)


def claim_hash(token: str) -> str:
    """The stored form of an anonymous visitor's claim token (the token stays in the session)."""
    return hashlib.sha256(token.encode()).hexdigest()


class ResponseStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"


class ResponseQuerySet(models.QuerySet["Response"]):
    def completed(self) -> ResponseQuerySet:
        return self.filter(status=ResponseStatus.COMPLETED)

    def in_progress(self) -> ResponseQuerySet:
        return self.filter(status=ResponseStatus.IN_PROGRESS)

    def owned_by(self, user: Any) -> ResponseQuerySet:
        return self.filter(owner=user)

    def unclaimed_before(self, moment: Any) -> ResponseQuerySet:
        """Anonymous responses last touched before ``moment``: what the purge deletes."""
        return self.filter(owner__isnull=True, updated_at__lt=moment)


class Response(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="check_responses",
    )
    anonymous_claim_hash = models.CharField(max_length=64, blank=True, default="")
    instrument_slug = models.SlugField(max_length=80)
    instrument_version = models.PositiveIntegerField()
    status = models.CharField(
        max_length=20, choices=ResponseStatus.choices, default=ResponseStatus.IN_PROGRESS
    )
    answers_encrypted = models.TextField(blank=True, default="")
    result_encrypted = models.TextField(blank=True, default="")
    # Scale key -> 0-100 score, for the history chart. Never safety answers or flags.
    scale_scores = models.JSONField(default=dict, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    objects = ResponseQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="assessments_response_owned_or_claimable",
                condition=models.Q(owner__isnull=False) | ~models.Q(anonymous_claim_hash=""),
            ),
            models.CheckConstraint(
                name="assessments_response_completed_has_time",
                condition=models.Q(status="in_progress") | models.Q(completed_at__isnull=False),
            ),
        ]
        indexes = [
            models.Index(
                fields=["owner", "instrument_slug", "status"], name="assessments_owner_idx"
            ),
            models.Index(fields=["owner", "updated_at"], name="assessments_purge_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.instrument_slug} v{self.instrument_version} ({self.status})"

    @property
    def is_completed(self) -> bool:
        return self.status == ResponseStatus.COMPLETED

    @property
    def answers(self) -> dict[str, int | None]:
        if not self.answers_encrypted:
            return {}
        loaded: dict[str, int | None] = json.loads(crypto.decrypt(self.answers_encrypted))
        return loaded

    def set_answers(self, answers: Mapping[str, int | None]) -> None:
        self.answers_encrypted = crypto.encrypt(json.dumps(dict(answers), sort_keys=True))

    @property
    def result(self) -> dict[str, Any] | None:
        if not self.result_encrypted:
            return None
        loaded: dict[str, Any] = json.loads(crypto.decrypt(self.result_encrypted))
        return loaded

    def set_result(self, result: dict[str, Any]) -> None:
        self.result_encrypted = crypto.encrypt(json.dumps(result))
        self.scale_scores = {
            key: scale["score"]
            for key, scale in result.get("scales", {}).items()
            if scale.get("score") is not None
        }

    def is_claimable_with(self, token: str | None) -> bool:
        """Whether ``token`` (from the session) proves this anonymous response is the viewer's."""
        return bool(
            token
            and self.owner_id is None
            and self.anonymous_claim_hash
            and hmac.compare_digest(self.anonymous_claim_hash, claim_hash(token))
        )
