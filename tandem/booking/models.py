"""Availability rules, bookings and the waitlist.

Everything a therapist sets is in *their* time zone (weekly hours, date exceptions, the daily
cap's days); every instant stored is UTC. ``Booking.blocked_until`` is the end of the session
plus the therapist's buffer at the time of booking: it is the range the database keeps free
of overlaps (see the migration ``0002_no_overlaps``).
"""

from __future__ import annotations

import secrets
import uuid
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING, Any, ClassVar
from zoneinfo import ZoneInfo, available_timezones

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from tandem.booking.display import EN_DASH
from tandem.directory.models import Currency, Format, TherapistProfile, format_money
from tandem.lib.constraints import one_of_choices

if TYPE_CHECKING:
    from tandem.accounts.models import User

__all__ = [
    "ACTIVE_STATUSES",
    "NO_OVERLAP_CONSTRAINTS",
    "Booking",
    "BookingEvent",
    "BookingSettings",
    "BookingStatus",
    "DateException",
    "ExceptionKind",
    "Party",
    "SessionType",
    "WaitlistEntry",
    "WaitlistStatus",
    "WeeklyHours",
    "validate_time_zone",
]


@cache
def _known_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def validate_time_zone(name: str) -> None:
    """An IANA zone name zoneinfo knows (``Europe/London``), else a ``ValidationError``.

    Only names in ``zoneinfo.available_timezones()`` pass. Asking ``ZoneInfo`` itself is not
    enough: it opens a file named after the zone, so a folder ("Europe") or an over-long name
    raises ``IsADirectoryError`` or ``OSError`` instead of ``ZoneInfoNotFoundError``.
    """
    if not isinstance(name, str) or name not in _known_zones():
        shown = name if len(str(name)) <= 64 else f"{str(name)[:60]}…"
        raise ValidationError(f"{shown!r} is not a time zone name we know.")


#: Where most of Tandem's people are: offered before the long lists by region.
COMMON_TIME_ZONES = (
    "Europe/London",
    "Europe/Dublin",
    "Europe/Paris",
    "Europe/Berlin",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Toronto",
    "Australia/Sydney",
)
_REGION_NAMES = {"America": "Americas", "Indian": "Indian Ocean", "Atlantic": "Atlantic Ocean"}
_REGION_NAMES |= {"Pacific": "Pacific Ocean", "Arctic": "Arctic"}

ZoneChoices = list[tuple[str, list[tuple[str, str]]]]


def _zone_label(name: str, at: datetime) -> str:
    """``Europe/London`` -> ``London (UTC+00:00)``, with the offset in force at ``at``."""
    offset = at.astimezone(ZoneInfo(name)).utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "\u2212"  # a true minus sign, as typography wants
    hours, rest = divmod(abs(minutes), 60)
    place = " / ".join(name.split("/")[1:]).replace("_", " ")
    return f"{place} (UTC{sign}{hours:02d}:{rest:02d})"


def time_zone_choices(*, current: str = "", now: datetime | None = None) -> ZoneChoices:
    """Zones for a select, in groups: the ``current`` one (the viewer's, as detected or
    chosen), the common ones, then every region's, each labelled with today's offset.

    A zone may appear in two groups (London is common and in Europe); the value is the same.
    """
    now = now or datetime.now(UTC)
    names = sorted(zone for zone in available_timezones() if "/" in zone and "Etc" not in zone)
    groups: ZoneChoices = []
    if current in names:
        groups.append(("Your time zone", [(current, _zone_label(current, now))]))
    groups.append(
        ("Common time zones", [(name, _zone_label(name, now)) for name in COMMON_TIME_ZONES])
    )
    by_region: dict[str, list[tuple[str, str]]] = {}
    for name in names:
        region = name.split("/")[0]
        by_region.setdefault(_REGION_NAMES.get(region, region), []).append(
            (name, _zone_label(name, now))
        )
    groups.extend(sorted(by_region.items()))
    return groups


def _feed_token() -> str:
    return secrets.token_urlsafe(24)


def _room_name() -> str:
    return secrets.token_urlsafe(24)


class BookingSettings(models.Model):
    """A therapist's booking rules (one row per profile)."""

    therapist = models.OneToOneField(
        TherapistProfile, on_delete=models.CASCADE, related_name="booking_settings"
    )
    time_zone = models.CharField(
        max_length=64, default="Europe/London", validators=[validate_time_zone]
    )
    buffer_minutes = models.PositiveSmallIntegerField(
        "break between sessions (minutes)", default=10
    )
    minimum_notice_minutes = models.PositiveIntegerField(
        "minimum notice (minutes)", default=24 * 60
    )
    horizon_days = models.PositiveSmallIntegerField(
        "how far ahead clients may book (days)", default=60
    )
    daily_cap = models.PositiveSmallIntegerField(
        "most sessions in a day", null=True, blank=True, help_text="Leave empty for no limit."
    )
    auto_confirm = models.BooleanField(
        "confirm bookings at once",
        default=True,
        help_text="Otherwise each booking waits until you accept it.",
    )
    calendar_feed_token = models.CharField(max_length=64, unique=True, default=_feed_token)
    # The soonest free slot, which the directory sorts by, is stored on the therapist's
    # profile (``TherapistProfile.next_free_at``), kept fresh by soonest.py.

    class Meta:
        verbose_name_plural = "booking settings"
        constraints = [
            models.CheckConstraint(
                condition=Q(horizon_days__gte=1), name="booking_settings_horizon_positive"
            ),
            models.CheckConstraint(
                condition=Q(daily_cap__isnull=True) | Q(daily_cap__gte=1),
                name="booking_settings_daily_cap_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"Booking settings of {self.therapist}"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def reset_feed_token(self) -> None:
        self.calendar_feed_token = _feed_token()
        self.save(update_fields=["calendar_feed_token"])


class SessionType(models.Model):
    """What a client can book: "Individual session, 50 minutes, £60, video"."""

    therapist = models.ForeignKey(
        TherapistProfile, on_delete=models.CASCADE, related_name="session_types"
    )
    name = models.CharField(max_length=80)
    minutes = models.PositiveSmallIntegerField("length (minutes)")
    price_minor = models.PositiveIntegerField("price (pence or cents)", default=0)
    currency = models.CharField(max_length=3, choices=Currency.choices, default=Currency.GBP)
    format = models.CharField(max_length=12, choices=Format.choices, default=Format.VIDEO)
    for_couples = models.BooleanField(default=False)
    is_active = models.BooleanField("offered", default=True)
    cancellation_window_hours = models.PositiveSmallIntegerField(
        "clients may cancel or move up to (hours before)", default=24
    )

    class Meta:
        ordering = ["therapist_id", "minutes", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gte=5, minutes__lte=480), name="booking_session_minutes_range"
            ),
            one_of_choices("format", Format, name="booking_session_format_valid"),
            one_of_choices("currency", Currency, name="booking_session_currency_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.minutes} min)"

    @property
    def price_display(self) -> str:
        return "Free" if self.price_minor == 0 else format_money(self.price_minor, self.currency)

    @property
    def label(self) -> str:
        return (
            f"{self.name}: {self.minutes} minutes, {self.get_format_display().lower()}, "
            f"{self.price_display}"
        )


class WeeklyHours(models.Model):
    """One range of working hours on one weekday, in the therapist's zone (several a day)."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, "Monday"
        TUESDAY = 1, "Tuesday"
        WEDNESDAY = 2, "Wednesday"
        THURSDAY = 3, "Thursday"
        FRIDAY = 4, "Friday"
        SATURDAY = 5, "Saturday"
        SUNDAY = 6, "Sunday"

    therapist = models.ForeignKey(
        TherapistProfile, on_delete=models.CASCADE, related_name="weekly_hours"
    )
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    start = models.TimeField()
    end = models.TimeField()

    class Meta:
        ordering = ["therapist_id", "weekday", "start"]
        verbose_name_plural = "weekly hours"
        constraints = [
            models.CheckConstraint(
                condition=Q(start__lt=F("end")), name="booking_hours_start_before_end"
            ),
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=6), name="booking_hours_weekday_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start:%H:%M}{EN_DASH}{self.end:%H:%M}"


class ExceptionKind(models.TextChoices):
    DAY_OFF = "day_off", "Day off"
    EXTRA_HOURS = "extra_hours", "Extra hours"


class DateException(models.Model):
    """A day off (no weekly hours that date) or extra hours on one local date."""

    therapist = models.ForeignKey(
        TherapistProfile, on_delete=models.CASCADE, related_name="date_exceptions"
    )
    date = models.DateField()
    kind = models.CharField(max_length=12, choices=ExceptionKind.choices)
    start = models.TimeField(null=True, blank=True)
    end = models.TimeField(null=True, blank=True)
    note = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["therapist_id", "date", "start"]
        constraints = [
            one_of_choices("kind", ExceptionKind, name="booking_exception_kind_valid"),
            models.CheckConstraint(
                condition=Q(kind=ExceptionKind.DAY_OFF)
                | Q(start__isnull=False, end__isnull=False, start__lt=F("end")),
                name="booking_exception_extra_hours_have_times",
            ),
        ]

    def __str__(self) -> str:
        if self.kind == ExceptionKind.DAY_OFF:
            return f"{self.date:%Y-%m-%d}: day off"
        assert self.start is not None and self.end is not None
        return f"{self.date:%Y-%m-%d}: extra hours {self.start:%H:%M}{EN_DASH}{self.end:%H:%M}"


class BookingStatus(models.TextChoices):
    REQUESTED = "requested", "Waiting for the therapist"
    CONFIRMED = "confirmed", "Confirmed"
    CANCELLED = "cancelled", "Cancelled"
    DECLINED = "declined", "Declined"
    COMPLETED = "completed", "Completed"


# Bookings that hold their time: the overlap constraints and the slot engine count these.
ACTIVE_STATUSES = (BookingStatus.REQUESTED, BookingStatus.CONFIRMED)


class Party(models.TextChoices):
    CLIENT = "client", "Client"
    THERAPIST = "therapist", "Therapist"
    SYSTEM = "system", "Tandem"
    PARTNER = "partner", "Client's partner"


# On PostgreSQL no two active bookings overlap, enforced by exclusion constraints that
# migration 0002_no_overlaps creates in SQL (SQLite has none, and Django's
# ExclusionConstraint in Meta would not migrate there):
#   EXCLUDE USING gist (therapist_id WITH =, tstzrange(starts_at, blocked_until) WITH &&)
#   EXCLUDE USING gist (client_id WITH =, tstzrange(starts_at, ends_at) WITH &&)
# both WHERE the status is one of ACTIVE_STATUSES. The service turns a clash into SlotTaken.
NO_OVERLAP_CONSTRAINTS = ("booking_no_therapist_overlap", "booking_no_client_overlap")


class BookingQuerySet(models.QuerySet["Booking"]):
    def active(self) -> BookingQuerySet:
        return self.filter(status__in=ACTIVE_STATUSES)

    def for_user(self, user: User | Any) -> BookingQuerySet:
        """Bookings ``user`` takes part in: as the client, the therapist or the client's partner."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(Q(client=user) | Q(therapist__user=user) | Q(partner=user))

    def find_with_party(self, user: User | Any, public_id: uuid.UUID) -> tuple[Booking, str] | None:
        """The booking ``user`` takes part in with that public id, and their side; else None.

        select_related: every page and API answer about a booking names the therapist, reads
        their account (to tell the sides apart) and the session type (its change window).
        """
        booking = (
            self.for_user(user)
            .select_related("therapist__user", "client", "session_type")
            .filter(public_id=public_id)
            .first()
        )
        party = booking.party_of(user) if booking is not None else None
        return None if booking is None or party is None else (booking, party)

    def overlapping(self, start: datetime, end: datetime) -> BookingQuerySet:
        """Bookings whose time, the therapist's buffer after it included, meets [start, end)."""
        return self.filter(starts_at__lt=end, blocked_until__gt=start)

    def sessions_overlapping(self, start: datetime, end: datetime) -> BookingQuerySet:
        """Bookings whose session itself (no buffer) meets [start, end): what one client
        cannot be in twice."""
        return self.filter(starts_at__lt=end, ends_at__gt=start)


class Booking(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Both people can erase their accounts: the other keeps a minimal record, so the links
    # empty themselves and the names are copies that erasure blanks (see privacy.py).
    therapist = models.ForeignKey(
        TherapistProfile, on_delete=models.SET_NULL, null=True, related_name="bookings"
    )
    therapist_name = models.CharField(max_length=120)
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="bookings"
    )
    client_name = models.CharField(max_length=150, blank=True)
    # A couple session: the client's partner in their couple check, told of everything the
    # client is told (emails, reminders, the room link) and free to cancel as the client is.
    partner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="partner_bookings",
    )
    # The zone the client booked in: their emails show times in it.
    client_time_zone = models.CharField(
        max_length=64, default="Europe/London", validators=[validate_time_zone]
    )
    session_type = models.ForeignKey(
        SessionType, on_delete=models.SET_NULL, null=True, related_name="bookings"
    )
    session_name = models.CharField(max_length=80)
    format = models.CharField(max_length=12, choices=Format.choices)
    price_minor = models.PositiveIntegerField(default=0)
    currency = models.CharField(max_length=3, default=Currency.GBP)

    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    blocked_until = models.DateTimeField(editable=False)
    status = models.CharField(max_length=12, choices=BookingStatus.choices)
    client_note = models.TextField("anything the therapist should know", blank=True)

    ical_uid = models.CharField(max_length=120, unique=True, editable=False)
    ical_sequence = models.PositiveIntegerField(default=0, editable=False)
    room_name = models.CharField(max_length=64, default=_room_name, editable=False)
    idempotency_key = models.UUIDField(null=True, blank=True, editable=False)

    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.CharField(max_length=12, choices=Party.choices, blank=True)
    cancel_reason = models.TextField(blank=True)
    reminder_24h_sent_at = models.DateTimeField(null=True, blank=True)
    reminder_1h_sent_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[BookingQuerySet] = BookingQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            one_of_choices("status", BookingStatus, name="booking_status_valid"),
            models.CheckConstraint(
                condition=Q(starts_at__lt=F("ends_at")) & Q(ends_at__lte=F("blocked_until")),
                name="booking_times_in_order",
            ),
            # A double submit of the same form finds the first booking instead of a second.
            models.UniqueConstraint(
                fields=["client", "idempotency_key"], name="booking_idempotency_key_per_client"
            ),
            # On PostgreSQL, two more: the exclusion constraints of NO_OVERLAP_CONSTRAINTS.
        ]
        indexes = [
            models.Index(fields=["therapist", "starts_at"], name="booking_therapist_start_idx"),
            models.Index(fields=["client", "starts_at"], name="booking_client_start_idx"),
            models.Index(fields=["status", "starts_at"], name="booking_status_start_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.session_name} on {self.starts_at:%Y-%m-%d %H:%M} UTC"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.ical_uid:
            self.ical_uid = f"{self.public_id}@tandem"
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("booking:detail", args=[self.public_id])

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def price_display(self) -> str:
        return "Free" if self.price_minor == 0 else format_money(self.price_minor, self.currency)

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    def party_of(self, user: User | Any) -> str | None:
        """``"client"``, ``"therapist"``, ``"partner"`` or None: which side ``user`` is."""
        if not user.is_authenticated:
            return None
        if self.client_id is not None and self.client_id == user.pk:
            return Party.CLIENT
        if self.therapist is not None and self.therapist.user_id == user.pk:
            return Party.THERAPIST
        if self.partner_id is not None and self.partner_id == user.pk:
            return Party.PARTNER
        return None

    def change_deadline(self) -> datetime:
        """Clients may cancel or move the session until this instant."""
        hours = self.session_type.cancellation_window_hours if self.session_type else 24
        return self.starts_at - timedelta(hours=hours)

    def can_change(self, party: str, now: datetime) -> bool:
        """Whether ``party`` may still cancel or reschedule.

        Clients keep to the session type's cancellation window. Therapists may cancel until
        the start: a therapist who is ill must be able to say so rather than not turn up.
        """
        if not self.is_active or now >= self.starts_at:
            return False
        if party == Party.THERAPIST:
            return True
        return now <= self.change_deadline()

    def room_url(self) -> str:
        return settings.VIDEO_ROOM_URL_TEMPLATE.format(room=self.room_name)

    def room_open(self, now: datetime) -> bool:
        """Online rooms open ten minutes before the start and close at the end."""
        return (
            self.format == Format.VIDEO
            and self.status == BookingStatus.CONFIRMED
            and self.starts_at - timedelta(minutes=10) <= now <= self.ends_at
        )


class BookingEvent(models.Model):
    """The history of one booking: who asked for, confirmed, moved or cancelled it, and why."""

    class Kind(models.TextChoices):
        REQUESTED = "requested", "Requested"
        CONFIRMED = "confirmed", "Confirmed"
        DECLINED = "declined", "Declined"
        RESCHEDULED = "rescheduled", "Moved"
        CANCELLED = "cancelled", "Cancelled"

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    by = models.CharField(max_length=12, choices=Party.choices)
    reason = models.TextField(blank=True)
    previous_start = models.DateTimeField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.by}"


class WaitlistStatus(models.TextChoices):
    WAITING = "waiting", "Waiting"
    OFFERED = "offered", "Offered a time"
    BOOKED = "booked", "Booked"
    LEFT = "left", "Left the list"


class WaitlistEntry(models.Model):
    """A client who wants to hear when an earlier time opens with a therapist."""

    therapist = models.ForeignKey(
        TherapistProfile, on_delete=models.CASCADE, related_name="waitlist"
    )
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="waitlist_entries"
    )
    session_type = models.ForeignKey(SessionType, on_delete=models.CASCADE)
    wanted_before = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=WaitlistStatus.choices, default=WaitlistStatus.WAITING
    )
    offered_start = models.DateTimeField(null=True, blank=True)
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    booking = models.ForeignKey(Booking, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            one_of_choices("status", WaitlistStatus, name="booking_waitlist_status_valid"),
            models.UniqueConstraint(
                fields=["therapist", "client", "session_type"],
                condition=Q(status__in=["waiting", "offered"]),
                name="booking_waitlist_once_per_session_type",
            ),
        ]
        verbose_name_plural = "waitlist entries"

    def __str__(self) -> str:
        return f"Waitlist entry {self.pk}"

    def offer_is_open(self, now: datetime) -> bool:
        return (
            self.status == WaitlistStatus.OFFERED
            and self.offered_start is not None
            and self.offer_expires_at is not None
            and now < self.offer_expires_at
        )
