"""Prometheus metrics at ``/metrics``, readable only with ``Authorization: Bearer $METRICS_TOKEN``.

Two kinds:

- request latency by route, method and status: a histogram each web process keeps. Under
  gunicorn with several worker processes, set ``PROMETHEUS_MULTIPROC_DIR`` to an empty folder
  per server so every process's numbers are added up (prometheus_client's multiprocess mode);
- what the database knows, read at scrape time so every server reports the same truth whatever
  process answers: the task queue's depth and the age of its oldest waiting task, tasks running
  and stalled, bookings by status and checks completed.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Min
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from tandem.lib import observability

__all__ = ["DatabaseCollector", "metrics", "register_gauge", "request_latency"]

request_latency = Histogram(
    "tandem_http_request_duration_seconds",
    "Time to answer a request, by route name (never the raw path), method and status.",
    ["route", "method", "status"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)


def _observe(method: str, route: str, status: int, seconds: float) -> None:
    request_latency.labels(route=route, method=method, status=str(status)).observe(seconds)


observability._observers.append(_observe)


# Each app adds the counts it owns (bookings, checks completed) from its AppConfig.ready():
# lib sits below every app and never imports them.
_gauges: list[Callable[[], GaugeMetricFamily]] = []


def register_gauge(read: Callable[[], GaugeMetricFamily]) -> None:
    """Add a gauge that is read from the database at each scrape."""
    if read not in _gauges:
        _gauges.append(read)


class DatabaseCollector(Collector):
    """Counts read from the database at each scrape."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from django_tasks_db.models import DBTaskResult, get_date_max

        now = timezone.now()
        depth = GaugeMetricFamily(
            "tandem_task_queue_depth",
            "Background tasks ready to run now, by queue.",
            labels=["queue"],
        )
        age = GaugeMetricFamily(
            "tandem_task_queue_oldest_age_seconds",
            "How long the oldest task ready to run has waited, by queue (0 when none waits).",
            labels=["queue"],
        )
        ready = (
            DBTaskResult.objects.ready()
            .values("queue_name")
            .annotate(
                count=Count("id"),
                oldest_enqueued=Min("enqueued_at"),
                oldest_due=Min("run_after"),
            )
        )
        never_deferred = get_date_max()
        for row in ready:
            # A deferred task waits from its run_after; any other from when it was enqueued.
            since = row["oldest_enqueued"]
            if row["oldest_due"] != never_deferred and row["oldest_due"] > since:
                since = min(row["oldest_due"], now)
            depth.add_metric([row["queue_name"]], row["count"])
            age.add_metric([row["queue_name"]], max(0.0, (now - since).total_seconds()))
        for queue in settings.TASKS["default"].get("QUEUES", []):
            if not any(row["queue_name"] == queue for row in ready):
                depth.add_metric([queue], 0)
                age.add_metric([queue], 0)
        yield depth
        yield age

        stalled_before = now - timedelta(seconds=settings.TASKS_STALLED_AFTER_SECONDS)
        running = DBTaskResult.objects.running()
        yield GaugeMetricFamily(
            "tandem_tasks_running", "Background tasks a worker has claimed.", value=running.count()
        )
        yield GaugeMetricFamily(
            "tandem_tasks_stalled",
            "Claimed tasks older than TASKS_STALLED_AFTER_SECONDS (a worker may have died).",
            value=running.filter(started_at__lt=stalled_before).count(),
        )
        yield GaugeMetricFamily(
            "tandem_tasks_failed",
            "Background tasks that ended in an error and are kept.",
            value=DBTaskResult.objects.failed().count(),
        )

        for read in _gauges:
            yield read()


_database_collector = DatabaseCollector()


def _registry() -> CollectorRegistry:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = CollectorRegistry()
        registry.register(_ProcessRegistry())
    registry.register(_database_collector)
    return registry


class _ProcessRegistry(Collector):
    """This process's own metrics (the default registry), beside the database's."""

    def collect(self) -> Iterator[object]:  # type: ignore[override]
        yield from REGISTRY.collect()


def _authorised(request: HttpRequest) -> bool:
    expected = settings.METRICS_TOKEN
    scheme, _, offered = request.headers.get("Authorization", "").partition(" ")
    return (
        bool(expected) and scheme.lower() == "bearer" and constant_time_compare(offered, expected)
    )


@never_cache
@require_safe
def metrics(request: HttpRequest) -> HttpResponse:
    """The metrics in Prometheus's text format; 404 while METRICS_TOKEN is unset."""
    if not settings.METRICS_TOKEN:
        return HttpResponse("Not found.", status=404, content_type="text/plain")
    if not _authorised(request):
        response = HttpResponse("A bearer token is needed.", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(generate_latest(_registry()), content_type=CONTENT_TYPE_LATEST)
