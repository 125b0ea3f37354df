from __future__ import annotations

from zoneinfo import ZoneInfo

from django import template

register = template.Library()


@register.filter
def zone_label(zone: ZoneInfo | str) -> str:
    """A time zone as people read it: "America/New_York" becomes "America/New York"."""
    return str(zone).replace("_", " ")
