"""A working practice for the demo therapist: clients, sessions, shared results, schedules.

Runs after the directory's, booking's and couples' seeds (INSTALLED_APPS order). The demo
therapist (therapist@demo.tandem.invalid) gets a verified profile, hours and session types if
they lack them, and six clients with months of sessions and results they chose to share:
Jordan recovered, Morgan deteriorating, Robin steady with an overdue measure, Kit sharing
safety answers, and Alex and Sam, the demo couple, who both share their results and their
couple report, so the client page shows them side by side. Idempotent: a client who already
shares with the therapist is left as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import TextIO

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone

from tandem.accounts.demo import DEMO_PASSWORD
from tandem.accounts.models import Role, User
from tandem.assessments.models import Response, ResponseStatus
from tandem.booking.models import (
    Booking,
    BookingSettings,
    BookingStatus,
    SessionType,
    WeeklyHours,
)
from tandem.directory.models import Format, ProfileStatus, TherapistProfile
from tandem.instruments import Instrument, library
from tandem.practice.models import Consent, ConsentSource, DueMeasure, MeasureSchedule

THERAPIST = "therapist@demo.tandem.invalid"
CHECK = "healthy-relationship"


@dataclass(frozen=True)
class DemoClient:
    email: str
    name: str
    scores: tuple[int, ...]  # the Healthy Relationship Check's overall score, oldest first
    safety: bool = False  # shares safety answers, and the last result raised the flag
    overdue: bool = False
    couple: bool = False  # one of the demo couple (tandem.couples.demo): shares the report


CLIENTS = [
    DemoClient("jordan@demo.tandem.invalid", "Jordan Demo", (34, 38, 45, 55, 63, 71)),
    DemoClient("morgan@demo.tandem.invalid", "Morgan Demo", (68, 70, 64, 55, 47, 41)),
    DemoClient("robin@demo.tandem.invalid", "Robin Demo", (52, 55, 51, 56, 54), overdue=True),
    DemoClient("kit@demo.tandem.invalid", "Kit Demo", (58, 57, 55, 54), safety=True),
    # The demo couple's accounts (accounts' and couples' demos), each sharing on their own.
    DemoClient("alex@demo.tandem.invalid", "Alex Demo", (48, 50, 55, 58), couple=True),
    DemoClient("sam@demo.tandem.invalid", "Sam Demo", (57, 55, 58, 60), couple=True),
]


def _account(email: str, name: str) -> User:
    user, created = User.objects.get_or_create(
        email=email, defaults={"name": name, "role": Role.CLIENT}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def _ready_profile(therapist: User, now: datetime) -> TherapistProfile | None:
    """The demo therapist's profile, verified and bookable (older demo databases had neither)."""
    profile = TherapistProfile.objects.filter(user=therapist).first()
    if profile is None:
        return None
    if profile.status != ProfileStatus.VERIFIED:
        profile.status = ProfileStatus.VERIFIED
        profile.verified_at = now
        profile.save()
    BookingSettings.objects.get_or_create(
        therapist=profile, defaults={"time_zone": "Europe/London", "minimum_notice_minutes": 120}
    )
    if not WeeklyHours.objects.filter(therapist=profile).exists():
        for weekday in (0, 1, 2, 3):
            WeeklyHours.objects.create(
                therapist=profile, weekday=weekday, start=time(9), end=time(17)
            )
    if not SessionType.objects.filter(therapist=profile, is_active=True).exists():
        SessionType.objects.create(
            therapist=profile,
            name="Individual session",
            minutes=50,
            price_minor=profile.fee_individual_minor or 6000,
            currency=profile.currency,
            format=Format.VIDEO,
        )
    return profile


def _answers(instrument: Instrument, target: int, flagged: bool) -> dict[str, int | None]:
    """Answers whose keyed mean gives about ``target`` (0-100) on the whole check.

    Each answer is rounded with the error carried to the next, so the mean lands within
    half a step of the target rather than on the nearest whole answer.
    """
    answers: dict[str, int | None] = {}
    carried = 0.0
    for item in instrument.items:
        low, high = item.response.minimum, item.response.maximum
        wanted = low + (high - low) * target / 100 + carried
        value = max(low, min(high, round(wanted)))
        carried = wanted - value
        answers[item.id] = low + high - value if item.reverse else value
    for companion in instrument.companions:
        for item in library.get(companion).items:
            answers[item.id] = 1 if flagged and item.id == "sf1" else 0
    return answers


def add_result(
    client: User, instrument: Instrument, target: int, when: datetime, flagged: bool = False
) -> Response:
    """A completed result of ``instrument`` scoring about ``target``, as if taken ``when``."""
    answers = _answers(instrument, target, flagged)
    result = library.score_session(instrument.slug, answers, version=instrument.version)
    response = Response(
        owner=client,
        instrument_slug=instrument.slug,
        instrument_version=instrument.version,
        status=ResponseStatus.COMPLETED,
        started_at=when - timedelta(minutes=5),
        completed_at=when,
    )
    response.set_answers(answers)
    response.set_result(result.to_dict())
    response.save()
    return response


def booking_row(
    profile: TherapistProfile, session: SessionType, client: User, start: datetime, status: str
) -> Booking:
    """An unsaved booking in any state (the demo's past, a test's or a benchmark's history)."""
    row = Booking(
        therapist=profile,
        therapist_name=profile.name,
        client=client,
        client_name=client.name,
        session_type=session,
        session_name=session.name,
        format=session.format,
        price_minor=session.price_minor,
        currency=session.currency,
        starts_at=start,
        ends_at=start + timedelta(minutes=session.minutes),
        blocked_until=start + timedelta(minutes=session.minutes + 10),
        status=status,
        confirmed_at=start - timedelta(days=6),
        cancelled_at=start - timedelta(days=2) if status == BookingStatus.CANCELLED else None,
        cancelled_by="client" if status == BookingStatus.CANCELLED else "",
    )
    row.ical_uid = f"{row.public_id}@tandem"  # what save() sets; bulk_create skips save()
    return row


def add_booking(
    profile: TherapistProfile, session: SessionType, client: User, start: datetime, status: str
) -> Booking:
    """A booking in any state, saved."""
    row = booking_row(profile, session, client, start, status)
    row.save()
    return row


def _client(
    demo: DemoClient,
    number: int,
    profile: TherapistProfile,
    session: SessionType,
    instrument: Instrument,
    now: datetime,
) -> bool:
    client = _account(demo.email, demo.name)
    if Consent.objects.filter(client=client, therapist=profile.user).exists():
        return False
    # Fortnightly sessions over the months the results span, each client at their own hour.
    weeks = 4 * len(demo.scores)
    first = (now - timedelta(weeks=weeks)).replace(
        hour=9 + number, minute=0, second=0, microsecond=0
    )
    for fortnight in range(weeks // 2):
        start = first + timedelta(weeks=2 * fortnight)
        cancelled = fortnight == 3  # one cancelled session, which the schedule does not count
        add_booking(
            profile,
            session,
            client,
            start,
            BookingStatus.CANCELLED if cancelled else BookingStatus.COMPLETED,
        )
    add_booking(
        profile, session, client, first + timedelta(weeks=weeks + 1), BookingStatus.CONFIRMED
    )
    for position, score in enumerate(demo.scores):
        when = first + timedelta(weeks=4 * position, hours=-20)
        flagged = demo.safety and position == len(demo.scores) - 1
        add_result(client, instrument, score, when, flagged)
    consent = Consent.objects.create(
        client=client,
        therapist=profile.user,
        source=ConsentSource.BOOKED,
        instruments=[CHECK],
        share_from=(first - timedelta(days=2)).date(),
        auto_share=True,
        share_safety=demo.safety,
        share_couple_report=demo.couple,
        created_at=first - timedelta(days=2),
        updated_at=first - timedelta(days=2),
    )
    schedule = MeasureSchedule.objects.create(
        consent=consent,
        instrument_slug=CHECK,
        kind="once" if demo.overdue else "every_sessions",
        every=None if demo.overdue else 2,
        starts_at=now - timedelta(days=12 if demo.overdue else 1),
    )
    if demo.overdue:
        # Sent and reminded already, and still not done: an alert on the caseload.
        DueMeasure.objects.create(
            schedule=schedule,
            occurrence=1,
            due_at=schedule.starts_at,
            sent_at=schedule.starts_at,
            reminded_at=schedule.starts_at + timedelta(days=3),
        )
    return True


def seed(stdout: TextIO) -> None:
    now = timezone.now()
    therapist = User.objects.filter(email=THERAPIST, role=Role.THERAPIST).first()
    if therapist is None:
        stdout.write("Demo practice: skipped (the directory's demo therapist is missing).\n")
        return
    added = 0
    with transaction.atomic():
        profile = _ready_profile(therapist, now)
        if profile is None:
            stdout.write("Demo practice: skipped (the demo therapist has no profile).\n")
            return
        session = SessionType.objects.filter(therapist=profile, is_active=True).order_by(
            "-minutes"
        )[0]
        instrument = library.get(CHECK)
        for number, demo in enumerate(CLIENTS):
            added += _client(demo, number, profile, session, instrument, now)
    singles = [demo.email for demo in CLIENTS if not demo.couple]
    couple = [demo.email for demo in CLIENTS if demo.couple]
    stdout.write(
        f"Demo practice: {added} clients added. Therapist: {THERAPIST}; clients sharing "
        f"results: {', '.join(singles)}; and the demo couple {' and '.join(couple)}, both "
        f"sharing, side by side on either one's page (password: {DEMO_PASSWORD}).\n"
    )
