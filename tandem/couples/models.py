"""A couple: two accounts joined by an accepted invitation, each with recorded consent.

Each partner's answers stay their own ``assessments.Response`` (encrypted, in their own
history); a round of the couple check only points to them. The couple report is worked out
from both responses whenever it is shown, so erasing one partner's answers removes it for
both, and nothing about a partner is copied anywhere else.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from tandem.assessments.models import Response

if TYPE_CHECKING:
    from tandem.accounts.models import User

#: Raise this when the consent statement's words change, so new consents name the new text.
CONSENT_VERSION = 1
INVITATION_LIFETIME = timedelta(days=7)
#: Resending is allowed at most this often, and at most MAX_SENDS times in all.
RESEND_INTERVAL = timedelta(minutes=10)
MAX_SENDS = 5
INSTRUMENT = "couple-balance"


def token_hash(token: str) -> str:
    """The stored form of an invitation token: the link holds the token, we keep its SHA-256."""
    return hashlib.sha256(token.encode()).hexdigest()


class CoupleStatus(models.TextChoices):
    PENDING = "pending", "Waiting for the partner to accept"
    ACTIVE = "active", "Active"
    ENDED = "ended", "Ended"


class Couple(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(
        max_length=10, choices=CoupleStatus.choices, default=CoupleStatus.PENDING
    )
    created_at = models.DateTimeField(default=timezone.now)
    activated_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="couples_couple_ended_has_time",
                condition=~models.Q(status="ended") | models.Q(ended_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"couple {self.public_id} ({self.status})"

    def get_absolute_url(self) -> str:
        return reverse("couples:detail", args=[self.public_id])

    @property
    def is_active(self) -> bool:
        return self.status == CoupleStatus.ACTIVE


class MemberRole(models.TextChoices):
    INVITER = "inviter", "Invited their partner"
    PARTNER = "partner", "Accepted the invitation"


class MemberQuerySet(models.QuerySet["Member"]):
    def current(self) -> MemberQuerySet:
        return self.filter(left_at__isnull=True)

    def for_viewer(self, user: User, couple_public_id: uuid.UUID) -> Member | None:
        """``user``'s current membership of that couple while it has not ended, else None.

        select_related("couple", "user"): every page and API answer about a couple reads its
        state and names the viewer.
        """
        member = (
            self.current()
            .select_related("couple", "user")
            .filter(couple__public_id=couple_public_id, user=user)
            .first()
        )
        if member is None or member.couple.status == CoupleStatus.ENDED:
            return None
        return member


class Member(models.Model):
    couple = models.ForeignKey(Couple, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="couple_memberships"
    )
    role = models.CharField(max_length=10, choices=MemberRole.choices)
    consented_at = models.DateTimeField()
    consent_version = models.PositiveSmallIntegerField(default=CONSENT_VERSION)
    left_at = models.DateTimeField(null=True, blank=True)
    # What this partner told "Find a couples therapist": their share of a session's fee and
    # the ways they can meet. Their own data; the matching adds the two shares.
    budget_share_minor = models.PositiveIntegerField(null=True, blank=True)
    formats = models.JSONField(default=list, blank=True)

    objects = MemberQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["couple", "user"], name="couples_member_once"),
            # A person is in one couple check at a time: two requests starting or accepting
            # at once cannot both make the same person a current member.
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(left_at__isnull=True),
                name="couples_one_current_couple",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.couple_id}"

    @property
    def display_name(self) -> str:
        return self.user.name or self.user.email


class InvitationStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    ACCEPTED = "accepted", "Accepted"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Invitation(models.Model):
    couple = models.ForeignKey(Couple, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    # Empty until the worker sends it: the token exists only in the email, never in a task's
    # arguments or the database.
    token_hash = models.CharField(max_length=64, blank=True, default="", db_index=True)
    status = models.CharField(
        max_length=10, choices=InvitationStatus.choices, default=InvitationStatus.PENDING
    )
    created_at = models.DateTimeField(default=timezone.now)
    send_requested_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    send_count = models.PositiveSmallIntegerField(default=1)  # the first send counts
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["couple"],
                condition=models.Q(status="pending"),
                name="couples_one_pending_invitation",
            ),
        ]

    def __str__(self) -> str:
        return f"invitation to {self.email} ({self.status})"

    def is_usable(self, now: datetime) -> bool:
        return (
            self.status == InvitationStatus.PENDING
            and bool(self.token_hash)
            and self.expires_at is not None
            and now < self.expires_at
        )

    def is_expired(self, now: datetime) -> bool:
        return (
            self.status == InvitationStatus.PENDING
            and self.expires_at is not None
            and now >= self.expires_at
        )

    def next_send_allowed_at(self) -> datetime | None:
        """When the inviter may resend, or None once every allowed send is used."""
        if self.send_count >= MAX_SENDS:
            return None
        return self.send_requested_at + RESEND_INTERVAL


class Round(models.Model):
    """One time the couple answers the check together: the first, or a later check again."""

    couple = models.ForeignKey(Couple, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField()
    instrument_version = models.PositiveIntegerField()
    started_at = models.DateTimeField(default=timezone.now)
    # Set once, by the request that first finds the report ready: both are emailed once.
    ready_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["couple", "number"], name="couples_round_number"),
        ]

    def __str__(self) -> str:
        return f"round {self.number} of {self.couple_id}"


class RoundAnswer(models.Model):
    """Which of a partner's own responses answers this round (the response stays theirs)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="answers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    response = models.OneToOneField(Response, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "user"], name="couples_answer_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.round_id}"
