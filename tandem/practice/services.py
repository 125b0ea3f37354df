"""Practice workflows: consent, invitations, schedules, and the worker's due measures."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from tandem.accounts.models import Role, User
from tandem.assessments.flow import listed_instruments
from tandem.assessments.models import Response
from tandem.instruments import Instrument
from tandem.practice.models import (
    Consent,
    ConsentSource,
    DueMeasure,
    Invitation,
    MeasureSchedule,
    ScheduleKind,
    token_hash,
)
from tandem.practice.schedule import due_occurrences, sessions_between

__all__ = [
    "INVITATION_LIFETIME",
    "DueCounts",
    "InvitationRefused",
    "consent_revoke",
    "consent_save",
    "invitation_accept",
    "invitation_create",
    "run_due_measures",
    "schedule_create",
    "schedule_stop",
    "shareable_instruments",
    "therapists_to_share_with",
]

INVITATION_LIFETIME = timedelta(days=14)


class InvitationRefused(Exception):
    """The link was used already, has expired, or never existed (one message for all)."""


def shareable_instruments() -> list[Instrument]:
    """The checks a client can share: those a person takes alone (not the couple check)."""
    return [i for i in listed_instruments() if i.audience == "individual"]


def therapists_to_share_with(client: User) -> QuerySet[User]:
    """Therapists ``client`` may share with: those they booked with, or who invited them."""
    return (
        User.objects.filter(role=Role.THERAPIST, is_active=True)
        .filter(
            Q(therapist_profile__bookings__client=client) | Q(practice_invitations__used_by=client)
        )
        .distinct()
        .order_by("name", "email")
    )


def consent_save(
    *,
    client: User,
    therapist: User,
    instruments: Sequence[str],
    share_from: date,
    auto_share: bool,
    share_safety: bool,
    share_couple_report: bool = False,
    source: str = ConsentSource.BOOKED,
    now: datetime | None = None,
) -> Consent:
    """Record ``client``'s choice for ``therapist``: a new consent, or the current one edited.

    Without ``auto_share`` the results shared are those completed up to now. The row is
    locked while it is edited, and the partial unique constraint keeps two tabs saving at
    once from leaving two current consents for one pair.
    """
    now = now or timezone.now()
    known = {instrument.slug for instrument in shareable_instruments()}
    unknown = [slug for slug in instruments if slug not in known]
    if unknown:
        raise ValueError(f"these checks cannot be shared: {', '.join(unknown)}")
    if not instruments:
        raise ValueError("choose at least one check to share")
    values = {
        "instruments": sorted(set(instruments)),
        "share_from": share_from,
        "auto_share": auto_share,
        "shared_through": None if auto_share else now,
        "share_safety": share_safety,
        "share_couple_report": share_couple_report,
        "updated_at": now,
    }
    with transaction.atomic():
        consent = (
            Consent.objects.current()
            .select_for_update()
            .filter(client=client, therapist=therapist)
            .first()
        )
        if consent is None:
            consent = Consent.objects.create(
                client=client, therapist=therapist, source=source, created_at=now, **values
            )
        else:
            for name, value in values.items():
                setattr(consent, name, value)
            consent.save(update_fields=list(values))
        # Schedules for checks no longer shared stop: the client said no to them.
        consent.schedules.filter(is_active=True).exclude(
            instrument_slug__in=consent.instruments
        ).update(is_active=False)
    return consent


def consent_revoke(*, consent: Consent, now: datetime | None = None) -> bool:
    """End a consent at once: from this moment nothing of it is visible and nothing is sent.

    Returns False when it was revoked already (a double click changes nothing).
    """
    now = now or timezone.now()
    with transaction.atomic():
        revoked = Consent.objects.filter(pk=consent.pk, revoked_at__isnull=True).update(
            revoked_at=now
        )
        consent.schedules.update(is_active=False)
    consent.refresh_from_db()
    return bool(revoked)


def invitation_create(
    *, therapist: User, email: str, instruments: Sequence[str], now: datetime | None = None
) -> tuple[Invitation, str]:
    """Invite ``email`` to share results. Returns the invitation and the link's token, which
    the caller hands to the email task: only its hash is stored."""
    if therapist.role != Role.THERAPIST:
        raise ValueError("only therapists invite clients")
    now = now or timezone.now()
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        therapist=therapist,
        email=email.strip().lower(),
        token_hash=token_hash(token),
        instruments=sorted(set(instruments)),
        created_at=now,
        expires_at=now + INVITATION_LIFETIME,
    )
    return invitation, token


def open_invitation(token: str, now: datetime | None = None) -> Invitation | None:
    """The invitation behind a link, if it can still be used."""
    now = now or timezone.now()
    invitation = (
        Invitation.objects.select_related("therapist").filter(token_hash=token_hash(token)).first()
    )
    if invitation is None or not invitation.is_open(now):
        return None
    return invitation


def invitation_accept(
    *,
    token: str,
    client: User,
    instruments: Sequence[str],
    share_from: date,
    auto_share: bool,
    share_safety: bool,
    share_couple_report: bool = False,
    now: datetime | None = None,
) -> Consent:
    """Use the link once and record the client's consent, both or neither.

    The conditional update is the claim: of two tabs accepting the same link, one wins.
    """
    now = now or timezone.now()
    with transaction.atomic():
        invitation = open_invitation(token, now)
        if invitation is None or invitation.therapist_id == client.pk:
            raise InvitationRefused
        claimed = Invitation.objects.filter(pk=invitation.pk, used_at__isnull=True).update(
            used_at=now, used_by=client
        )
        if not claimed:
            raise InvitationRefused
        return consent_save(
            client=client,
            therapist=invitation.therapist,
            instruments=instruments,
            share_from=share_from,
            auto_share=auto_share,
            share_safety=share_safety,
            share_couple_report=share_couple_report,
            source=ConsentSource.INVITED,
            now=now,
        )


def schedule_create(
    *,
    consent: Consent,
    instrument_slug: str,
    kind: str,
    every: int | None,
    now: datetime | None = None,
) -> MeasureSchedule:
    """Ask the client to take a shared check once or on a schedule, starting now."""
    if not consent.is_current:
        raise ValueError("this client no longer shares results with you")
    if instrument_slug not in consent.instruments:
        raise ValueError("the client does not share this check with you")
    if kind in (ScheduleKind.EVERY_N_SESSIONS, ScheduleKind.EVERY_N_WEEKS):
        if every is None or not 1 <= every <= 52:
            raise ValueError("say how often, from 1 to 52")
    else:
        every = None
    return MeasureSchedule.objects.create(
        consent=consent,
        instrument_slug=instrument_slug,
        kind=kind,
        every=every,
        starts_at=now or timezone.now(),
    )


def schedule_stop(*, schedule: MeasureSchedule) -> None:
    MeasureSchedule.objects.filter(pk=schedule.pk).update(is_active=False)


# --- The worker ---------------------------------------------------------------------------


@dataclass
class DueCounts:
    created: int = 0
    completed: int = 0
    sent: int = 0
    reminded: int = 0


def _create_due(now: datetime) -> int:
    created = 0
    schedules = MeasureSchedule.objects.filter(
        is_active=True, consent__revoked_at__isnull=True, starts_at__lte=now
    ).select_related("consent")
    for schedule in schedules:
        sessions = sessions_between(schedule.consent.client_id, schedule.consent.therapist_id, now)
        rows = [
            DueMeasure(schedule=schedule, occurrence=number, due_at=due_at)
            for number, due_at in due_occurrences(schedule, sessions, now)
        ]
        existing = set(schedule.due.values_list("occurrence", flat=True))
        new = [row for row in rows if row.occurrence not in existing]
        if new:
            # Two workers may get here at once: the unique constraint keeps one of each.
            try:
                with transaction.atomic():
                    DueMeasure.objects.bulk_create(new, ignore_conflicts=True)
            except IntegrityError:
                continue
            created += len(new)
    return created


def _mark_completed(now: datetime) -> int:
    """A measure is done when the client completed that check on or after its due time."""
    completed = 0
    open_due = DueMeasure.objects.filter(completed_at__isnull=True).select_related(
        "schedule__consent"
    )
    for due in open_due:
        finished = (
            Response.objects.completed()
            .filter(
                owner_id=due.schedule.consent.client_id,
                instrument_slug=due.schedule.instrument_slug,
                completed_at__gte=due.due_at,
                completed_at__lte=now,
            )
            .order_by("completed_at")
            .values_list("completed_at", flat=True)
            .first()
        )
        if finished is not None:
            completed += DueMeasure.objects.filter(pk=due.pk, completed_at__isnull=True).update(
                completed_at=finished
            )
    return completed


def claim_send(due_id: int, now: datetime) -> bool:
    """Mark one due measure as sent, once: True for the one caller that gets to send it."""
    return bool(
        DueMeasure.objects.filter(
            pk=due_id,
            sent_at__isnull=True,
            completed_at__isnull=True,
            schedule__is_active=True,
            schedule__consent__revoked_at__isnull=True,
        ).update(sent_at=now)
    )


def claim_reminder(due_id: int, now: datetime) -> bool:
    """Mark the one reminder as sent, once, if the measure is still not done."""
    waited = timedelta(days=settings.PRACTICE_REMINDER_AFTER_DAYS)
    return bool(
        DueMeasure.objects.filter(
            pk=due_id,
            sent_at__lte=now - waited,
            reminded_at__isnull=True,
            completed_at__isnull=True,
            schedule__is_active=True,
            schedule__consent__revoked_at__isnull=True,
        ).update(reminded_at=now)
    )


def run_due_measures(*, send: Callable[[int, str], None], now: datetime | None = None) -> DueCounts:
    """What the worker does every few minutes: create, close, send and remind due measures.

    ``send(due_id, "due" or "reminder")`` queues one email (``tasks.run_round`` passes the
    email task). Each email is claimed with a conditional update before it is queued, so
    this running on two workers at once sends each email once.
    """
    now = now or timezone.now()
    counts = DueCounts(created=_create_due(now), completed=_mark_completed(now))
    live = DueMeasure.objects.filter(
        completed_at__isnull=True,
        schedule__is_active=True,
        schedule__consent__revoked_at__isnull=True,
    )
    for due_id in live.filter(sent_at__isnull=True).values_list("pk", flat=True):
        if claim_send(due_id, now):
            send(due_id, "due")
            counts.sent += 1
    waited = timedelta(days=settings.PRACTICE_REMINDER_AFTER_DAYS)
    reminders = live.filter(reminded_at__isnull=True, sent_at__lte=now - waited)
    for due_id in reminders.values_list("pk", flat=True):
        if claim_reminder(due_id, now):
            send(due_id, "reminder")
            counts.reminded += 1
    return counts
