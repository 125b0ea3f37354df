"""One client's progress for their therapist: charts with the band of uncertainty, and one
timeline of results and sessions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tandem.assessments.charts import HistoryChart, history_chart
from tandem.booking.models import Booking
from tandem.instruments import Instrument
from tandem.instruments.psychometrics import standard_error_of_measurement
from tandem.practice.progress import STATUS_WORDS, ScoredResult
from tandem.practice.schedule import ATTENDED_STATUSES

__all__ = ["InstrumentProgress", "TimelineEntry", "client_progress", "timeline"]

#: The 95% band, as the engine draws it on every result: score ± 1.96 SEM.
Z95 = 1.96


@dataclass(frozen=True)
class InstrumentProgress:
    instrument: Instrument
    chart: HistoryChart
    rows: list[dict[str, Any]]
    scales: list[tuple[str, str]]  # (key, title) of every scale, for the table


@dataclass(frozen=True)
class TimelineEntry:
    when: datetime
    kind: str  # "result" or "session"
    label: str
    result: ScoredResult | None = None
    booking: Booking | None = None


def _band(instrument: Instrument, scale: str, score: float | None) -> tuple[float, float] | None:
    if score is None or scale not in instrument.reliability or scale not in instrument.norms:
        return None
    sem = standard_error_of_measurement(
        instrument.norms[scale].sd, instrument.reliability[scale].alpha
    )
    return max(0.0, score - Z95 * sem), min(100.0, score + Z95 * sem)


def client_progress(results: Sequence[ScoredResult]) -> list[InstrumentProgress]:
    """For each shared check with an outcome scale: its chart over time and the figures."""
    progress = []
    slugs = list(dict.fromkeys(result.instrument_slug for result in results))
    for slug in slugs:
        same = [result for result in results if result.instrument_slug == slug]
        instrument = same[-1].instrument
        if instrument is None or instrument.outcome is None:
            continue
        key = instrument.outcome.scale
        series: list[tuple[datetime, float | None, bool, str]] = []
        bands = []
        rows = []
        first: float | None = None
        previous: float | None = None
        for result in same:
            score = result.scale_scores.get(key)
            status = ""
            since_first = ""
            if score is not None and previous is not None:
                status = instrument.outcome_change(previous, score).status
            if score is not None and first is not None:
                since_first = instrument.outcome_change(first, score).status
            reliable = status in ("improved", "recovered", "deteriorated")
            direction = ""
            if reliable and previous is not None and score is not None:
                direction = "increase" if score > previous else "decrease"
            series.append((result.completed_at, score, reliable, direction))
            band = _band(instrument, key, score)
            bands.append(band)
            rows.append(
                {
                    "result": result,
                    "score": None if score is None else round(score),
                    "band": None if band is None else (round(band[0]), round(band[1])),
                    "since_previous": STATUS_WORDS.get(status, ""),
                    "since_first": STATUS_WORDS.get(since_first, ""),
                    "scores": [
                        None
                        if result.scale_scores.get(k) is None
                        else round(result.scale_scores[k])
                        for k in instrument.scales
                    ],
                }
            )
            if score is not None:
                previous = score
                first = score if first is None else first
        title = instrument.scales[key].title
        progress.append(
            InstrumentProgress(
                instrument=instrument,
                chart=history_chart(f"{slug}-{key}", f"{instrument.title}: {title}", series, bands),
                rows=rows,
                scales=[(k, scale.title) for k, scale in instrument.scales.items()],
            )
        )
    return progress


def timeline(
    results: Sequence[ScoredResult], bookings: Sequence[Booking], now: datetime
) -> list[TimelineEntry]:
    """Results and sessions on one line, newest first; each session says whether it happened."""
    entries = [
        TimelineEntry(
            when=result.completed_at,
            kind="result",
            label=result.instrument.title if result.instrument else result.instrument_slug,
            result=result,
        )
        for result in results
    ]
    for booking in bookings:
        if booking.status in ATTENDED_STATUSES and booking.ends_at <= now:
            label = "Session attended"
        elif booking.starts_at > now and booking.is_active:
            label = "Session booked"
        else:
            label = f"Session {booking.get_status_display().lower()}"
        entries.append(
            TimelineEntry(when=booking.starts_at, kind="session", label=label, booking=booking)
        )
    return sorted(entries, key=lambda entry: entry.when, reverse=True)
