"""Times as people read them: in their own zone, with the zone named."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

__all__ = ["day_label", "moment", "time_label", "time_range", "when"]

EN_DASH = "\u2013"


def time_label(instant: datetime, zone: ZoneInfo) -> str:
    return instant.astimezone(zone).strftime("%H:%M")


def day_label(instant: datetime, zone: ZoneInfo) -> str:
    local = instant.astimezone(zone)
    return f"{local:%A} {local.day} {local:%B %Y}"


def when(start: datetime, end: datetime, zone: ZoneInfo) -> str:
    """``"Monday 29 March 2027, 09:00-09:50 (Europe/London time)"``."""
    return (
        f"{day_label(start, zone)}, {time_range(start, end, zone)} "
        f"({str(zone).replace('_', ' ')} time)"
    )


def time_range(start: datetime, end: datetime, zone: ZoneInfo) -> str:
    return f"{time_label(start, zone)}{EN_DASH}{time_label(end, zone)}"


def moment(instant: datetime, zone: ZoneInfo) -> str:
    """``"Monday 29 March 2027, 10:00"``."""
    return f"{day_label(instant, zone)}, {time_label(instant, zone)}"
