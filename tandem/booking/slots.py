"""Free slots: the therapist's rules minus bookings and exceptions, right across DST.

A ``Diary`` is one therapist's rules, bookings and exceptions for a window, loaded once
(``Diary.load``: four queries, whatever the range) with one padding rule. It answers every
question the booking pages, the API, the booking service and the directory's sort ask: the
free slots, the soonest one, why a day has none, whether a slot may be booked. Its arithmetic
works in POSIX seconds, so sixty days of a busy diary take well under a millisecond.

How local times become instants
-------------------------------
Weekly hours and exceptions are wall-clock times in the therapist's zone. Each working range
of a local date is turned into UTC at its two ends, and slots are laid out from the start in
real minutes (length + buffer apart), so every slot lasts what it says even on the day the
clocks change.

* A local time that does not exist (inside the spring-forward gap, 01:00-02:00 in London on
  28 March 2027) is moved to the instant the clocks change, the first moment that exists
  after it: hours of 01:30-05:00 that day start at 02:00 BST, and no slot starts in the gap.
* A local time that happens twice (01:00-02:00 in London on 31 October 2027) means its first
  occurrence (``fold=0``, still summer time).

Slots are returned as UTC instants; pages show them in the viewer's zone.

Example::

    >>> rules = Rules(time_zone="Europe/London", weekly_hours={0: [(time(9), time(12))]},
    ...               buffer_minutes=10)
    >>> diary = Diary(rules=rules, start=datetime(2027, 3, 29, tzinfo=UTC),
    ...               end=datetime(2027, 3, 30, tzinfo=UTC), now=datetime(2027, 3, 1, tzinfo=UTC))
    >>> [s.start.isoformat() for s in diary.free_slots(session_minutes=50)]
    ['2027-03-29T08:00:00+00:00', '2027-03-29T09:00:00+00:00', '2027-03-29T10:00:00+00:00']
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import Enum, StrEnum
from functools import lru_cache
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.utils import timezone

from tandem.booking.models import (
    Booking,
    BookingSettings,
    DateException,
    SessionType,
    WeeklyHours,
)
from tandem.directory.models import TherapistProfile

__all__ = [
    "OUT_OF_REACH",
    "REACH",
    "DayException",
    "Diary",
    "Reason",
    "Rules",
    "Slot",
    "free_slots_for",
    "load_rules",
    "to_instant",
    "within_reach",
]

# Booking works a horizon of at most a year ahead; anything further from now in either
# direction is a typo or a probe, and near year 1 or 9999 date arithmetic overflows.
REACH = timedelta(days=400)
OUT_OF_REACH = "Please choose a time within about a year from today."


def within_reach(instant: datetime | date, now: datetime) -> bool:
    """Whether ``instant`` (aware) or ``date`` lies within ``REACH`` of ``now``, either way.

    Comparisons and subtraction of aware datetimes never overflow, so this is safe for any
    value a parser accepts, from year 1 to year 9999.
    """
    if isinstance(instant, datetime):
        return abs(instant - now) <= REACH
    return abs(instant - now.date()) <= REACH


class Slot(NamedTuple):
    start: datetime
    end: datetime


class Reason(StrEnum):
    """Why a day shows no free slot (the page's words), or why a slot was refused."""

    FULLY_BOOKED = "fully booked"
    MINIMUM_NOTICE = "within the minimum notice"
    DAY_OFF = "day off"
    NO_HOURS = "no hours that day"
    BEYOND_HORIZON = "beyond how far ahead bookings are taken"
    PAST = "already passed"
    DAILY_CAP = "fully booked (daily limit reached)"


@dataclass(frozen=True)
class DayException:
    date: date
    kind: str  # "day_off" or "extra_hours"
    start: time | None = None
    end: time | None = None


@dataclass(frozen=True)
class Rules:
    """A therapist's booking rules, as plain values."""

    time_zone: str
    weekly_hours: Mapping[int, Sequence[tuple[time, time]]] = field(default_factory=dict)
    buffer_minutes: int = 0
    minimum_notice_minutes: int = 0
    horizon_days: int = 60
    daily_cap: int | None = None

    @property
    def zone(self) -> ZoneInfo:
        return _zone(self.time_zone)


@lru_cache(maxsize=512)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def to_instant(day: date, clock: time, zone: ZoneInfo) -> int:
    """POSIX seconds of the wall time ``clock`` on ``day`` in ``zone`` (see module docstring).

    >>> to_instant(date(2027, 3, 28), time(1, 30), ZoneInfo("Europe/London"))  # in the gap
    1806195600
    >>> datetime.fromtimestamp(1806195600, UTC).isoformat()  # the moment clocks go forward
    '2027-03-28T01:00:00+00:00'
    """
    local = datetime(day.year, day.month, day.day, clock.hour, clock.minute, tzinfo=zone)
    instant = int(local.timestamp())  # fold=0: the first of two, or the offset before a gap
    back = datetime.fromtimestamp(instant, zone)
    if (back.hour, back.minute) == (clock.hour, clock.minute) and back.day == day.day:
        return instant
    # Not a wall time that exists: find the transition, the first instant after the gap,
    # between the two readings of the nonexistent time (fold=1 gives the earlier one).
    low = int(local.replace(fold=1).timestamp())
    high = instant
    offset_after = back.utcoffset()
    while high - low > 1:
        middle = (low + high) // 2
        if datetime.fromtimestamp(middle, zone).utcoffset() == offset_after:
            high = middle
        else:
            low = middle
    return high


def _local_date(instant: int, zone: ZoneInfo) -> date:
    return datetime.fromtimestamp(instant, zone).date()


def _merge(ranges: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


class _Busy:
    """Bookings' blocked ranges, merged, for "what is the first busy range after t"."""

    def __init__(self, bookings: Iterable[tuple[datetime, datetime]]) -> None:
        merged = _merge(
            (int(start.timestamp()), int(until.timestamp())) for start, until in bookings
        )
        self.starts = [start for start, _end in merged]
        self.ends = [end for _start, end in merged]

    def clash(self, start: int, end: int) -> int | None:
        """The end of a busy range overlapping [start, end), or None when it is free."""
        index = bisect_right(self.ends, start)  # first range ending after ``start``
        if index < len(self.starts) and self.starts[index] < end:
            return self.ends[index]
        return None


class _Status(Enum):
    FREE = 0
    PAST = 1
    NOTICE = 2
    HORIZON = 3
    TAKEN = 4
    CAP = 5


def _working_ranges(
    rules: Rules, day: date, exceptions: Mapping[date, list[DayException]]
) -> tuple[list[tuple[int, int]], bool]:
    """The day's working ranges as UTC seconds, and whether it is a day off."""
    zone = rules.zone
    day_off = False
    clocks: list[tuple[time, time]] = []
    extra = exceptions.get(day, ())
    if any(exception.kind == "day_off" for exception in extra):
        day_off = True
    else:
        clocks.extend(rules.weekly_hours.get(day.weekday(), ()))
    clocks.extend(
        (exception.start, exception.end)
        for exception in extra
        if exception.kind == "extra_hours" and exception.start and exception.end
    )
    return (
        _merge((to_instant(day, start, zone), to_instant(day, end, zone)) for start, end in clocks),
        day_off,
    )


class Diary:
    """One therapist's diary over a window: rules, active bookings and date exceptions.

    Loaded once (``Diary.load``, four queries whatever the window, or ``Diary.load_many``
    for a page of therapists), then asked: the free slots of a session length, the soonest
    one, why a day has none, and whether a given slot may be booked. Every caller that
    needs the diary for a window gets it here, with the one padding rule below, so the
    booking page, the API, the booking service and the directory's sort cannot disagree.

    ``start`` and ``end`` are aware instants; ``bookings`` are ``(starts_at,
    blocked_until)`` pairs of the active bookings around the window.
    """

    __slots__ = ("_busy", "_by_date", "bookings", "end", "exceptions", "now", "rules", "start")

    def __init__(
        self,
        *,
        rules: Rules,
        start: datetime,
        end: datetime,
        now: datetime,
        bookings: Iterable[tuple[datetime, datetime]] = (),
        exceptions: Iterable[DayException] = (),
    ) -> None:
        self.rules = rules
        self.start = start
        self.end = end
        self.now = now
        self.bookings = tuple(bookings)
        self.exceptions = tuple(exceptions)
        self._busy = _Busy(self.bookings)
        self._by_date: dict[date, list[DayException]] = {}
        for exception in self.exceptions:
            self._by_date.setdefault(exception.date, []).append(exception)

    # --- Loading ------------------------------------------------------------------------

    @classmethod
    def load(cls, therapist_id: int, start: datetime, end: datetime, *, now: datetime) -> Diary:
        """The diary of one therapist for [start, end): four queries."""
        return cls.load_many([therapist_id], start, end, now=now)[therapist_id]

    @classmethod
    def around(cls, therapist_id: int, slot_start: datetime, *, now: datetime) -> Diary:
        """The diary a day either side of ``slot_start``: what ``refusal`` needs."""
        return cls.load(therapist_id, slot_start - DAY, slot_start + DAY, now=now)

    @classmethod
    def load_many(
        cls,
        therapist_ids: Sequence[int],
        start: datetime,
        end: datetime,
        *,
        now: datetime,
        rules: Mapping[int, Rules] | None = None,
    ) -> dict[int, Diary]:
        """The diaries of several therapists for one window, by id: four queries for any
        number (two when ``rules`` are given, as already loaded by ``load_rules``).

        The one padding rule: bookings that reach within a day of the window (a day's cap
        counts the whole local day), and exceptions dated within two days of its UTC dates
        (a local date is at most a day from the UTC one, and slots are laid out from the
        local day before the window).
        """
        ids = list(therapist_ids)
        rules = rules if rules is not None else load_rules(ids)
        bookings: dict[int, list[tuple[datetime, datetime]]] = {pk: [] for pk in ids}
        for therapist_id, begin, until in (
            Booking.objects.active()
            .overlapping(start - DAY, end + DAY)
            .filter(therapist_id__in=ids)
            .order_by()
            .values_list("therapist_id", "starts_at", "blocked_until")
        ):
            bookings[therapist_id].append((begin, until))
        exceptions: dict[int, list[DayException]] = {pk: [] for pk in ids}
        for therapist_id, day, kind, opens, closes in DateException.objects.filter(
            therapist_id__in=ids,
            date__gte=start.astimezone(UTC).date() - 2 * DAY,
            date__lte=end.astimezone(UTC).date() + 2 * DAY,
        ).values_list("therapist_id", "date", "kind", "start", "end"):
            exceptions[therapist_id].append(DayException(day, kind, opens, closes))
        return {
            pk: cls(
                rules=rules[pk],
                start=start,
                end=end,
                now=now,
                bookings=bookings[pk],
                exceptions=exceptions[pk],
            )
            for pk in ids
        }

    def without(self, booking: Booking) -> Diary:
        """This diary as if ``booking`` were not in it: moving a booking may reuse its time."""
        held = (booking.starts_at, booking.blocked_until)
        return Diary(
            rules=self.rules,
            start=self.start,
            end=self.end,
            now=self.now,
            bookings=[pair for pair in self.bookings if pair != held],
            exceptions=self.exceptions,
        )

    # --- Questions ----------------------------------------------------------------------

    def _candidates(
        self, session_minutes: int, start: datetime, end: datetime
    ) -> Iterator[tuple[date, int, _Status, bool]]:
        """Every slot the rules lay out in [start, end), with whether and why it is not free.

        Yields ``(local date, start seconds, status, day_off)``; a day with no working hours
        yields one ``(date, -1, FREE, day_off)`` marker so callers can say why it is empty.
        """
        rules = self.rules
        zone = rules.zone
        length = session_minutes * 60
        step = length + rules.buffer_minutes * 60
        window_start, window_end = int(start.timestamp()), int(end.timestamp())
        now_s = int(self.now.timestamp())
        earliest = now_s + rules.minimum_notice_minutes * 60
        latest = now_s + rules.horizon_days * 86400
        per_day: Counter[date] = Counter()
        if rules.daily_cap is not None:
            per_day.update(
                _local_date(int(b_start.timestamp()), zone) for b_start, _u in self.bookings
            )

        day = datetime.fromtimestamp(window_start, zone).date() - DAY
        last_day = datetime.fromtimestamp(window_end, zone).date()
        while day <= last_day:
            ranges, day_off = _working_ranges(rules, day, self._by_date)
            capped = rules.daily_cap is not None and per_day[day] >= rules.daily_cap
            laid_out = False
            for range_start, range_end in ranges:
                slot = range_start
                while slot + length <= range_end:
                    if slot >= window_end:
                        break
                    if slot < window_start:
                        slot += step
                        continue
                    laid_out = True
                    if slot < now_s:
                        yield day, slot, _Status.PAST, day_off
                    elif slot < earliest:
                        yield day, slot, _Status.NOTICE, day_off
                    elif slot > latest:
                        yield day, slot, _Status.HORIZON, day_off
                    elif capped:
                        yield day, slot, _Status.CAP, day_off
                    else:
                        clash_end = self._busy.clash(slot, slot + step)
                        if clash_end is not None:
                            yield day, slot, _Status.TAKEN, day_off
                            # Pack the next slot right after the session that is in the way.
                            slot = max(clash_end, slot + 60)
                            continue
                        yield day, slot, _Status.FREE, day_off
                    slot += step
            if not laid_out:
                yield day, -1, _Status.FREE, day_off
            day += DAY

    def _free(self, session_minutes: int) -> Iterator[Slot]:
        """The free slots of the window, soonest first, made lazily from the candidates."""
        length = timedelta(minutes=session_minutes)
        for _day, slot, status, _off in self._candidates(session_minutes, self.start, self.end):
            if status is _Status.FREE and slot >= 0:
                begin = datetime.fromtimestamp(slot, UTC)
                yield Slot(begin, begin + length)

    def free_slots(self, session_minutes: int) -> list[Slot]:
        """The free slots starting in the window, soonest first, as UTC instants.

        A slot is free when it lies within the day's hours, starts no sooner than ``now``
        plus the minimum notice and no later than ``now`` plus the horizon, the day is below
        the daily cap, and it with the buffer after it overlaps no booking's blocked range.
        """
        return list(self._free(session_minutes))

    def first_free_slot(self, session_minutes: int) -> Slot | None:
        """The soonest free slot of the window, or None; stops at the first one found."""
        return next(self._free(session_minutes), None)

    def day_reasons(self, session_minutes: int, viewer_zone: ZoneInfo) -> dict[date, Reason]:
        """For each date in the *viewer's* zone within the window that has no free slot, why.

        Slots are grouped by the viewer's date of their start. An empty date gets "fully
        booked", "within the minimum notice" or "beyond how far ahead bookings are taken"
        from the slots that were laid out on it, else "day off" when the therapist took the
        day off, else "no hours that day".
        """
        seen: dict[date, set[_Status]] = {}
        off_days: set[date] = set()
        for therapist_day, slot, status, day_off in self._candidates(
            session_minutes, self.start, self.end
        ):
            if slot < 0:
                if day_off:
                    off_days.add(therapist_day)
                continue
            seen.setdefault(_local_date(slot, viewer_zone), set()).add(status)

        reasons: dict[date, Reason] = {}
        day = self.start.astimezone(viewer_zone).date()
        last = (self.end - timedelta(microseconds=1)).astimezone(viewer_zone).date()
        while day <= last:
            statuses = seen.get(day, set())
            if _Status.FREE not in statuses:
                if statuses:
                    first = next(status for status in _PRECEDENCE if status in statuses)
                    reasons[day] = _DAY_REASON[first]
                else:
                    noon = int(datetime.combine(day, time(12), viewer_zone).timestamp())
                    therapist_day = _local_date(noon, self.rules.zone)
                    reasons[day] = Reason.DAY_OFF if therapist_day in off_days else Reason.NO_HOURS
            day += DAY
        return reasons

    def refusal(self, slot_start: datetime, session_minutes: int) -> str | None:
        """None when a session of ``session_minutes`` may be booked at ``slot_start`` now,
        else why not, in a sentence. The diary must reach a day either side of the slot
        (``Diary.around``): the slots of a day are laid out from its first working hour."""
        if not self.start <= slot_start - DAY or not slot_start + DAY <= self.end:
            raise ValueError("The diary must reach a day either side of the slot it checks.")
        target = int(slot_start.timestamp())
        if target < int(self.now.timestamp()):
            return _REFUSAL[_Status.PAST]
        for _day, slot, status, _off in self._candidates(
            session_minutes, slot_start - DAY, slot_start + DAY
        ):
            if slot == target:
                return None if status is _Status.FREE else _REFUSAL[status]
        end = slot_start + timedelta(minutes=session_minutes)
        if any(b_start < end and until > slot_start for b_start, until in self.bookings):
            return _REFUSAL[_Status.TAKEN]
        return "The therapist does not offer that time."


DAY = timedelta(days=1)

_DAY_REASON = {
    _Status.TAKEN: Reason.FULLY_BOOKED,
    _Status.CAP: Reason.FULLY_BOOKED,
    _Status.NOTICE: Reason.MINIMUM_NOTICE,
    _Status.PAST: Reason.MINIMUM_NOTICE,
    _Status.HORIZON: Reason.BEYOND_HORIZON,
}
# When a day has slots for several reasons, the one a person can act on least comes first.
_PRECEDENCE = [_Status.TAKEN, _Status.CAP, _Status.NOTICE, _Status.PAST, _Status.HORIZON]

_REFUSAL = {
    _Status.PAST: "That time has already passed.",
    _Status.NOTICE: "That time is within the therapist's minimum notice.",
    _Status.HORIZON: "The therapist does not take bookings that far ahead.",
    _Status.TAKEN: "That time has just been booked by someone else.",
    _Status.CAP: "The therapist's day is fully booked.",
}


# --- Reading rules from the database ----------------------------------------------------------


def load_rules(profile_ids: Sequence[int]) -> dict[int, Rules]:
    """Rules for several therapists in two queries; those without settings get defaults."""
    hours: dict[int, dict[int, list[tuple[time, time]]]] = {pk: {} for pk in profile_ids}
    for therapist_id, weekday, begin, finish in WeeklyHours.objects.filter(
        therapist_id__in=profile_ids
    ).values_list("therapist_id", "weekday", "start", "end"):
        hours[therapist_id].setdefault(weekday, []).append((begin, finish))
    found = {
        row[0]: row
        for row in BookingSettings.objects.filter(therapist_id__in=profile_ids).values_list(
            "therapist_id",
            "time_zone",
            "buffer_minutes",
            "minimum_notice_minutes",
            "horizon_days",
            "daily_cap",
        )
    }
    rules = {}
    for pk in profile_ids:
        row = found.get(pk)
        if row is None:
            rules[pk] = Rules(time_zone="Europe/London", weekly_hours=hours[pk])
        else:
            _pk, zone, buffer, notice, horizon, cap = row
            rules[pk] = Rules(
                time_zone=zone,
                weekly_hours=hours[pk],
                buffer_minutes=buffer,
                minimum_notice_minutes=notice,
                horizon_days=horizon,
                daily_cap=cap,
            )
    return rules


def free_slots_for(
    profile: TherapistProfile,
    session_type: SessionType,
    start: datetime,
    end: datetime,
    now: datetime | None = None,
) -> list[Slot]:
    """The free slots of ``profile`` for ``session_type`` starting in [start, end), cut to
    within ``REACH`` of now. Four queries (settings, weekly hours, exceptions, bookings)."""
    now = now or timezone.now()
    start, end = max(start, now - REACH), min(end, now + REACH)
    if start >= end:
        return []
    return Diary.load(profile.pk, start, end, now=now).free_slots(session_type.minutes)
