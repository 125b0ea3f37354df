"""Consent to share results with one therapist, invitations, and measures on a schedule.

Practice is the top layer: it reads accounts, assessments and booking through their models,
and nothing imports it. A client's results reach a therapist only through a current
:class:`Consent`; which of them, from when, and whether safety answers go with them are the
client's choices recorded on it.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

__all__ = [
    "Consent",
    "ConsentQuerySet",
    "ConsentSource",
    "DueMeasure",
    "Invitation",
    "MeasureSchedule",
    "ScheduleKind",
    "token_hash",
]


def token_hash(token: str) -> str:
    """What is stored of an invitation link's token: the link itself is only in the email."""
    return hashlib.sha256(token.encode()).hexdigest()


class ConsentSource(models.TextChoices):
    BOOKED = "booked", "Booked a session"
    INVITED = "invited", "Invited by the therapist"


class ConsentQuerySet(models.QuerySet["Consent"]):
    def current(self) -> ConsentQuerySet:
        return self.filter(revoked_at__isnull=True)

    def readable_by(self, user: Any) -> ConsentQuerySet:
        """The consents that let ``user`` read a client's data: current, given to them, and
        only while they are a therapist. The one rule for the pages and the API."""
        if not user.is_authenticated or user.role != "therapist":
            return self.none()
        return self.current().filter(therapist=user)


class Consent(models.Model):
    """A client's yes to one therapist seeing some of their results.

    ``instruments`` lists the checks shared; results completed from ``share_from`` on are
    visible. With ``auto_share`` every later result is shared as it comes; without it, only
    those completed up to ``shared_through`` (the moment the client last saved their choice).
    Safety answers and flags are shared only with ``share_safety``, a separate yes.
    A revoked consent stays as a record (the access log points to it) and shows nothing.
    """

    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consents_given"
    )
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consents_received"
    )
    source = models.CharField(max_length=10, choices=ConsentSource.choices)
    instruments = models.JSONField(default=list)
    share_from = models.DateField()
    auto_share = models.BooleanField(default=True)
    shared_through = models.DateTimeField(null=True, blank=True)
    share_safety = models.BooleanField(default=False)
    # The couple report of the Couple Balance Check, shown only when both partners of an
    # active couple check say yes to the same therapist, each in their own consent.
    share_couple_report = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One current consent per pair: a second "share" edits the first.
            models.UniqueConstraint(
                fields=["client", "therapist"],
                condition=Q(revoked_at__isnull=True),
                name="practice_one_current_consent_per_pair",
            ),
            models.CheckConstraint(
                condition=Q(source__in=ConsentSource.values), name="practice_consent_source_valid"
            ),
            models.CheckConstraint(
                condition=Q(auto_share=True) | Q(shared_through__isnull=False),
                name="practice_consent_snapshot_has_end",
            ),
        ]

    def __str__(self) -> str:
        return f"Consent {self.pk}: client {self.client_id} to therapist {self.therapist_id}"

    @property
    def is_current(self) -> bool:
        return self.revoked_at is None

    def covers(self, instrument_slug: str, completed_at: datetime | None) -> bool:
        """Whether a result of ``instrument_slug`` completed then is shared under this consent."""
        return instrument_slug in self.instruments and self._covers_time(completed_at)

    def covers_couple_report(self, completed_at: datetime | None) -> bool:
        """Whether this client's side of a couple report, answered then, is shared: the
        separate yes, and the same dates as results. Both partners' consents must say so."""
        return self.share_couple_report and self._covers_time(completed_at)

    def _covers_time(self, completed_at: datetime | None) -> bool:
        if not self.is_current or completed_at is None:
            return False
        if completed_at.date() < self.share_from:
            return False
        return self.auto_share or (
            self.shared_through is not None and completed_at <= self.shared_through
        )

    @staticmethod
    def shared_dates_filter(prefix: str) -> Q:
        """The date part of :meth:`covers` for a query on ``Response`` joined to its owner's
        current consent through ``prefix`` (e.g. ``"owner__consents_given__"``), so the
        database drops results outside the consented dates before any row is read. The
        instruments part (a JSON list) is still checked per row by the caller."""
        return Q(
            **{
                f"{prefix}revoked_at__isnull": True,
                # A date compares as its midnight (UTC, the database's zone): the same
                # as ``completed_at.date() >= share_from``, without a function per row.
                "completed_at__gte": models.F(f"{prefix}share_from"),
            }
        ) & (
            Q(**{f"{prefix}auto_share": True})
            | Q(completed_at__lte=models.F(f"{prefix}shared_through"))
        )

    def shared_responses_filter(self) -> Q:
        """The same rule as :meth:`covers`, for a query on assessments' ``Response``."""
        rule = Q(
            owner_id=self.client_id,
            status="completed",
            instrument_slug__in=list(self.instruments),
            completed_at__date__gte=self.share_from,
        )
        if not self.auto_share:
            rule &= Q(completed_at__lte=self.shared_through)
        return rule


class Invitation(models.Model):
    """A therapist's invitation to someone who is not yet their client, sent by email.

    The link carries a token whose hash is stored; it works once and until ``expires_at``.
    Nothing about the invited person is visible to the therapist until they consent.
    """

    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="practice_invitations"
    )
    email = models.EmailField()
    token_hash = models.CharField(max_length=64, unique=True)
    instruments = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Invitation {self.pk} from therapist {self.therapist_id}"

    def is_open(self, now: datetime) -> bool:
        return self.used_at is None and now < self.expires_at


class ScheduleKind(models.TextChoices):
    ONCE = "once", "Once"
    BEFORE_FIRST_SESSION = "before_first", "Before the first session"
    EVERY_N_SESSIONS = "every_sessions", "Every few sessions"
    EVERY_N_WEEKS = "every_weeks", "Every few weeks"


class MeasureSchedule(models.Model):
    """A therapist's request that a client take one check, once or on a schedule.

    It hangs on the consent: when the consent is revoked the schedule sends nothing more.
    """

    consent = models.ForeignKey(Consent, on_delete=models.CASCADE, related_name="schedules")
    instrument_slug = models.SlugField(max_length=80)
    kind = models.CharField(max_length=16, choices=ScheduleKind.choices)
    every = models.PositiveSmallIntegerField(null=True, blank=True)
    starts_at = models.DateTimeField(default=timezone.now)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ScheduleKind.values), name="practice_schedule_kind_valid"
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind__in=["once", "before_first"], every__isnull=True)
                    | Q(kind__in=["every_sessions", "every_weeks"], every__gte=1, every__lte=52)
                ),
                name="practice_schedule_every_fits_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument_slug}: {self.describe()}"

    def describe(self) -> str:
        if self.kind == ScheduleKind.EVERY_N_SESSIONS:
            return "every session" if self.every == 1 else f"every {self.every} sessions"
        if self.kind == ScheduleKind.EVERY_N_WEEKS:
            return "every week" if self.every == 1 else f"every {self.every} weeks"
        return str(self.get_kind_display()).lower()


class DueMeasure(models.Model):
    """One occurrence of a schedule: a check the client is asked to take.

    ``occurrence`` numbers them per schedule, so the worker can create each one only once
    (the unique constraint) however often it runs. ``sent_at`` and ``reminded_at`` are
    claimed with conditional updates, so two workers never both send the same email.
    """

    schedule = models.ForeignKey(MeasureSchedule, on_delete=models.CASCADE, related_name="due")
    occurrence = models.PositiveIntegerField()
    due_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["schedule", "occurrence"], name="practice_due_once_per_occurrence"
            ),
        ]
        indexes = [models.Index(fields=["completed_at", "due_at"], name="practice_due_open_idx")]

    def __str__(self) -> str:
        return f"{self.schedule.instrument_slug} #{self.occurrence} due {self.due_at:%Y-%m-%d}"

    def is_overdue(self, now: datetime, days: int) -> bool:
        return self.completed_at is None and (now - self.due_at).days > days

    def to_dict(self) -> dict[str, Any]:
        return {
            "instrument": self.schedule.instrument_slug,
            "due_at": self.due_at.isoformat(),
            "completed_at": self.completed_at.isoformat() if self.completed_at else None,
        }
