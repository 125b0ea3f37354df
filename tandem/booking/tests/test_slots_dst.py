"""The slot engine across the 2027 daylight-saving changes, therapist and viewer apart.

Europe/London: 28 March 2027 01:00 UTC clocks go forward to 02:00 BST; 31 October 2027 02:00
BST back to 01:00 GMT. America/New_York: 14 March 2027 02:00 → 03:00 EDT; 7 November 2027
02:00 EDT → 01:00 EST. Between the two changes London and New York are 4 hours apart instead
of 5. The expected instants below are worked out by hand from those rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from tandem.booking.slots import DayException, Diary, Reason, Rules, to_instant

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
LONG_AGO = datetime(2027, 3, 1, tzinfo=UTC)
NINE_TO_FIVE = {day: [(time(9), time(17))] for day in range(7)}


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def slots(
    rules: Rules,
    start: datetime,
    end: datetime,
    *,
    bookings: Sequence[tuple[datetime, datetime]] = (),
    exceptions: Sequence[DayException] = (),
    session_minutes: int = 50,
    now: datetime = LONG_AGO,
) -> list[datetime]:
    diary = Diary(
        rules=rules, start=start, end=end, now=now, bookings=bookings, exceptions=exceptions
    )
    return [slot.start for slot in diary.free_slots(session_minutes)]


def london(**kwargs: object) -> Rules:
    options: dict[str, object] = {"horizon_days": 365, **kwargs}
    return Rules(time_zone="Europe/London", weekly_hours=NINE_TO_FIVE, buffer_minutes=10, **options)


def in_zone(instants: list[datetime], zone: ZoneInfo) -> list[str]:
    return [instant.astimezone(zone).strftime("%a %d %H:%M") for instant in instants]


@pytest.mark.parametrize(
    ("day", "first_utc", "new_york_clock"),
    [
        # Before New York's change: GMT and EST, 5 hours apart.
        (date(2027, 3, 12), utc(2027, 3, 12, 9), "04:00"),
        # New York on EDT, London still GMT: 4 hours apart.
        (date(2027, 3, 15), utc(2027, 3, 15, 9), "05:00"),
        (date(2027, 3, 27), utc(2027, 3, 27, 9), "05:00"),
        # London's change day and after: BST and EDT, 5 hours apart again.
        (date(2027, 3, 28), utc(2027, 3, 28, 8), "04:00"),
        (date(2027, 3, 29), utc(2027, 3, 29, 8), "04:00"),
        # Autumn: London back on GMT from 31 October, New York on EDT until 7 November.
        (date(2027, 10, 30), utc(2027, 10, 30, 8), "04:00"),
        (date(2027, 10, 31), utc(2027, 10, 31, 9), "05:00"),
        (date(2027, 11, 6), utc(2027, 11, 6, 9), "05:00"),
        (date(2027, 11, 7), utc(2027, 11, 7, 9), "04:00"),
        (date(2027, 11, 8), utc(2027, 11, 8, 9), "04:00"),
    ],
)
def test_a_london_therapists_day_lands_on_the_right_instants_for_a_new_york_viewer(
    day: date, first_utc: datetime, new_york_clock: str
) -> None:
    start = datetime.combine(day, time(0), LONDON)
    found = slots(london(), start, start + timedelta(days=1))
    assert found == [first_utc + timedelta(hours=hour) for hour in range(8)]
    assert found[0].astimezone(NEW_YORK).strftime("%H:%M") == new_york_clock
    assert [slot.astimezone(LONDON).strftime("%H:%M") for slot in found] == [
        f"{hour:02d}:00" for hour in range(9, 17)
    ]


@pytest.mark.parametrize(
    ("first", "last"),
    [(date(2027, 3, 8), date(2027, 4, 4)), (date(2027, 10, 25), date(2027, 11, 14))],
)
def test_no_slot_is_lost_or_duplicated_over_the_weeks_the_clocks_change(
    first: date, last: date
) -> None:
    # The New York viewer's weeks, from midnight New York time.
    start = datetime.combine(first, time(0), NEW_YORK)
    end = datetime.combine(last, time(0), NEW_YORK)
    found = slots(london(), start, end)
    assert len(found) == len(set(found)) == 8 * (last - first).days
    by_london_day: dict[date, list[str]] = {}
    for slot in found:
        local = slot.astimezone(LONDON)
        by_london_day.setdefault(local.date(), []).append(local.strftime("%H:%M"))
    assert all(times == [f"{h:02d}:00" for h in range(9, 17)] for times in by_london_day.values())
    # Seen from New York each London day is still one New York day, whatever the offset.
    by_new_york_day = {slot.astimezone(NEW_YORK).date() for slot in found}
    assert by_new_york_day == set(by_london_day)


def test_the_new_york_viewers_clock_shows_the_four_hour_weeks() -> None:
    start = datetime(2027, 3, 12, tzinfo=NEW_YORK)
    found = slots(london(), start, start + timedelta(days=17))
    first_each_day: dict[date, str] = {}
    for slot in found:
        local = slot.astimezone(NEW_YORK)
        first_each_day.setdefault(local.date(), local.strftime("%H:%M"))
    assert first_each_day[date(2027, 3, 13)] == "04:00"  # EST vs GMT
    assert first_each_day[date(2027, 3, 14)] == "05:00"  # EDT vs GMT from the 14th
    assert first_each_day[date(2027, 3, 27)] == "05:00"
    assert first_each_day[date(2027, 3, 28)] == "04:00"  # EDT vs BST from the 28th


def test_a_new_york_therapist_seen_from_london_moves_by_the_hour_in_between() -> None:
    rules = Rules(
        time_zone="America/New_York", weekly_hours=NINE_TO_FIVE, buffer_minutes=10, horizon_days=365
    )
    for day, london_clock in [
        (date(2027, 3, 8), "14:00"),
        (date(2027, 3, 15), "13:00"),
        (date(2027, 3, 29), "14:00"),
        (date(2027, 11, 1), "13:00"),
        (date(2027, 11, 8), "14:00"),
    ]:
        start = datetime.combine(day, time(0), NEW_YORK)
        found = slots(rules, start, start + timedelta(days=1))
        assert len(found) == 8
        assert found[0].astimezone(LONDON).strftime("%H:%M") == london_clock, day


def test_hours_starting_inside_the_spring_gap_begin_when_the_clocks_change() -> None:
    rules = Rules(
        time_zone="Europe/London",
        weekly_hours={6: [(time(1, 30), time(4))]},
        buffer_minutes=10,
        horizon_days=365,
    )
    start = datetime(2027, 3, 28, tzinfo=UTC)
    found = slots(rules, start, start + timedelta(days=1))
    assert found == [utc(2027, 3, 28, 1), utc(2027, 3, 28, 2)]
    assert in_zone(found, LONDON) == ["Sun 28 02:00", "Sun 28 03:00"]


def test_hours_across_the_spring_gap_last_their_real_length() -> None:
    rules = Rules(
        time_zone="Europe/London",
        weekly_hours={6: [(time(0, 30), time(4))]},
        buffer_minutes=10,
        horizon_days=365,
    )
    start = datetime(2027, 3, 28, tzinfo=UTC)
    found = slots(rules, start, start + timedelta(days=1))
    # 00:30 GMT to 04:00 BST is two and a half real hours: two sessions, none in the gap.
    assert found == [utc(2027, 3, 28, 0, 30), utc(2027, 3, 28, 1, 30)]
    assert in_zone(found, LONDON) == ["Sun 28 00:30", "Sun 28 02:30"]


def test_new_york_hours_inside_its_spring_gap_start_at_three() -> None:
    rules = Rules(
        time_zone="America/New_York",
        weekly_hours={6: [(time(2, 30), time(5))]},
        buffer_minutes=10,
        horizon_days=365,
    )
    start = datetime(2027, 3, 14, tzinfo=UTC)
    found = slots(rules, start, start + timedelta(days=1))
    assert in_zone(found, NEW_YORK) == ["Sun 14 03:00", "Sun 14 04:00"]
    assert found[0] == utc(2027, 3, 14, 7)


def test_an_hour_that_happens_twice_in_autumn_means_the_first_and_the_real_length_counts() -> None:
    rules = Rules(
        time_zone="Europe/London",
        weekly_hours={6: [(time(0, 30), time(3))]},
        buffer_minutes=10,
        horizon_days=365,
    )
    start = datetime(2027, 10, 30, 12, tzinfo=UTC)
    found = slots(rules, start, start + timedelta(days=1))
    # 00:30 BST to 03:00 GMT is three and a half real hours: 01:30 comes round twice.
    assert found == [utc(2027, 10, 30, 23, 30), utc(2027, 10, 31, 0, 30), utc(2027, 10, 31, 1, 30)]
    assert [slot.astimezone(LONDON).isoformat() for slot in found] == [
        "2027-10-31T00:30:00+01:00",
        "2027-10-31T01:30:00+01:00",
        "2027-10-31T01:30:00+00:00",
    ]


def test_an_ambiguous_start_uses_its_first_occurrence() -> None:
    assert (
        to_instant(date(2027, 10, 31), time(1, 30), LONDON) == utc(2027, 10, 31, 0, 30).timestamp()
    )
    assert (
        to_instant(date(2027, 11, 7), time(1, 30), NEW_YORK) == utc(2027, 11, 7, 5, 30).timestamp()
    )


def test_a_nonexistent_time_maps_to_the_moment_the_clocks_change() -> None:
    assert to_instant(date(2027, 3, 28), time(1, 30), LONDON) == utc(2027, 3, 28, 1).timestamp()
    assert to_instant(date(2027, 3, 14), time(2, 0), NEW_YORK) == utc(2027, 3, 14, 7).timestamp()


def test_bookings_and_their_buffer_take_slots_and_the_next_one_packs_after_them() -> None:
    start = datetime(2027, 3, 29, tzinfo=LONDON)
    # An 80-minute session at 09:30 BST, buffer 10: blocked until 11:00 BST (10:00 UTC).
    booking = (utc(2027, 3, 29, 8, 30), utc(2027, 3, 29, 10))
    found = slots(london(), start, start + timedelta(days=1), bookings=[booking])
    assert in_zone(found, LONDON)[:3] == ["Mon 29 11:00", "Mon 29 12:00", "Mon 29 13:00"]
    assert len(found) == 6


def test_minimum_notice_and_horizon_bound_the_slots() -> None:
    now = utc(2027, 3, 29, 9, 5)  # 10:05 BST
    rules = london(minimum_notice_minutes=120, horizon_days=2)
    start = datetime(2027, 3, 29, tzinfo=LONDON)
    found = slots(rules, start, start + timedelta(days=5), now=now)
    assert in_zone(found, LONDON)[0] == "Mon 29 13:00"  # 12:00 is 1 h 55 min away
    assert found[-1] <= now + timedelta(days=2)


def test_the_daily_cap_counts_sessions_per_local_day_of_the_therapist() -> None:
    rules = london(daily_cap=2)
    start = datetime(2027, 10, 31, tzinfo=LONDON)
    bookings = [
        (utc(2027, 10, 31, 9), utc(2027, 10, 31, 10)),
        (utc(2027, 10, 31, 11), utc(2027, 10, 31, 12)),
    ]
    found = slots(rules, start, start + timedelta(days=2), bookings=bookings)
    assert {slot.astimezone(LONDON).date() for slot in found} == {date(2027, 11, 1)}


def test_a_day_off_removes_the_weekly_hours_and_extra_hours_add_some() -> None:
    start = datetime(2027, 3, 29, tzinfo=LONDON)
    exceptions = [
        DayException(date(2027, 3, 29), "day_off"),
        DayException(date(2027, 3, 30), "extra_hours", time(18), time(20)),
    ]
    found = slots(london(), start, start + timedelta(days=2), exceptions=exceptions)
    assert in_zone(found, LONDON) == [f"Tue 30 {hour:02d}:00" for hour in [*range(9, 17), 18, 19]]


def test_empty_days_say_why_in_the_viewers_zone() -> None:
    rules = Rules(
        time_zone="Europe/London",
        weekly_hours={0: [(time(9), time(11))], 1: [(time(9), time(11))], 2: [(time(9), time(11))]},
        buffer_minutes=10,
        minimum_notice_minutes=24 * 60,
        horizon_days=10,
    )
    now = utc(2027, 3, 29, 7)  # Monday 08:00 BST
    start = datetime(2027, 3, 29, tzinfo=NEW_YORK)
    bookings = [
        (utc(2027, 3, 31, 8), utc(2027, 3, 31, 9)),
        (utc(2027, 3, 31, 9), utc(2027, 3, 31, 10)),
    ]
    exceptions = [DayException(date(2027, 3, 30), "day_off")]
    diary = Diary(
        rules=rules,
        bookings=bookings,
        exceptions=exceptions,
        start=start,
        end=start + timedelta(days=15),
        now=now,
    )
    reasons = diary.day_reasons(50, NEW_YORK)
    assert reasons[date(2027, 3, 29)] == Reason.MINIMUM_NOTICE
    assert reasons[date(2027, 3, 30)] == Reason.DAY_OFF
    assert reasons[date(2027, 3, 31)] == Reason.FULLY_BOOKED
    assert reasons[date(2027, 4, 1)] == Reason.NO_HOURS
    assert date(2027, 4, 5) not in reasons  # a Monday with free slots
    assert reasons[date(2027, 4, 12)] == Reason.BEYOND_HORIZON


def test_a_slot_is_refused_with_the_reason() -> None:
    rules = london(minimum_notice_minutes=60, horizon_days=30)
    now = utc(2027, 3, 29, 7, 30)
    diary = Diary(
        rules=rules,
        bookings=[(utc(2027, 3, 30, 8), utc(2027, 3, 30, 9))],
        start=utc(2027, 3, 1),
        end=utc(2027, 7, 1),
        now=now,
    )
    assert diary.refusal(utc(2027, 3, 29, 6), 50) == "That time has already passed."
    assert "minimum notice" in str(diary.refusal(utc(2027, 3, 29, 8), 50))
    assert "just been booked" in str(diary.refusal(utc(2027, 3, 30, 8), 50))
    assert "that far ahead" in str(diary.refusal(utc(2027, 6, 1, 8), 50))
    assert "does not offer" in str(diary.refusal(utc(2027, 3, 31, 8, 17), 50))
    assert diary.refusal(utc(2027, 3, 30, 9), 50) is None


def test_a_diary_refuses_to_judge_a_slot_it_does_not_reach() -> None:
    diary = Diary(rules=london(), start=utc(2027, 3, 29), end=utc(2027, 3, 30), now=LONG_AGO)
    with pytest.raises(ValueError, match="a day either side"):
        diary.refusal(utc(2027, 3, 29, 9), 50)


def test_the_first_free_slot_stops_at_the_first_one() -> None:
    now = utc(2027, 3, 26, 18)  # a Friday evening
    rules = Rules(
        time_zone="Europe/London",
        weekly_hours={0: [(time(9), time(17))]},
        buffer_minutes=10,
        horizon_days=365,
    )
    slot = Diary(rules=rules, start=now, end=now + timedelta(days=14), now=now).first_free_slot(50)
    assert slot is not None and slot.start == utc(2027, 3, 29, 8)
