"""Booking's counts for ``/metrics`` (registered in ``BookingConfig.ready``)."""

from __future__ import annotations

from django.db.models import Count
from prometheus_client.core import GaugeMetricFamily

from tandem.booking.models import Booking


def bookings_by_status() -> GaugeMetricFamily:
    bookings = GaugeMetricFamily("tandem_bookings", "Bookings held, by status.", labels=["status"])
    for status, count in Booking.objects.values_list("status").annotate(Count("id")).order_by():
        bookings.add_metric([status], count)
    return bookings
