"""The checks' counts for ``/metrics`` (registered in ``AssessmentsConfig.ready``)."""

from __future__ import annotations

from prometheus_client.core import GaugeMetricFamily

from tandem.assessments.models import Response


def checks_completed() -> GaugeMetricFamily:
    return GaugeMetricFamily(
        "tandem_checks_completed",
        "Checks finished (results held; erasure and the anonymous purge lower it).",
        value=Response.objects.completed().count(),
    )
