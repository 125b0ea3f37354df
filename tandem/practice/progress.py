"""What a therapist sees: the caseload and one client's progress, from consented results only.

Every function here takes a current :class:`Consent` (or the therapist's list of them) and
reads only what it covers. Scores come from the clear 0-100 ``scale_scores`` column, so the
caseload decrypts nothing but the latest result of clients who share safety answers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Case, FloatField, Value, When
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast

from tandem.accounts.models import User
from tandem.assessments.models import Response
from tandem.assessments.presentation import SAFETY_FLAG
from tandem.booking.models import Booking
from tandem.instruments import Instrument, UnknownInstrument, library
from tandem.practice.models import Consent, DueMeasure, MeasureSchedule
from tandem.practice.schedule import NextDue, Sessions, next_due, sessions_from

__all__ = [
    "STATUS_WORDS",
    "Alert",
    "CaseloadRow",
    "Change",
    "ScoredResult",
    "caseload",
    "outcome_changes",
    "shared_results",
]

STATUS_WORDS = {
    "recovered": "Recovered",
    "improved": "Improved",
    "no_reliable_change": "No reliable change",
    "deteriorated": "Deteriorated",
}

# What a scored result carries, read from the clear columns (never the encrypted ones).
RESULT_FIELDS = ("pk", "instrument_slug", "instrument_version", "completed_at")


def _instrument(slug: str, version: int) -> Instrument | None:
    try:
        return library.get(slug, version)
    except UnknownInstrument:
        return None


@dataclass(frozen=True)
class ScoredResult:
    """A completed result as the practice reads it: the clear columns, never the answers.

    The caseload reads only the outcome scale's score (``outcome``, worked out in SQL);
    one client's pages read every scale's score.
    """

    pk: int
    instrument_slug: str
    instrument_version: int
    completed_at: datetime
    outcome: float | None
    scale_scores: dict[str, float] = field(default_factory=dict)
    public_id: Any = None

    @property
    def instrument(self) -> Instrument | None:
        return _instrument(self.instrument_slug, self.instrument_version)

    def outcome_score(self) -> float | None:
        return self.outcome


@dataclass(frozen=True)
class Change:
    """The outcome scale's change from an earlier result, in Jacobson and Truax's words."""

    status: str
    difference: float

    @property
    def words(self) -> str:
        return STATUS_WORDS[self.status]


@dataclass(frozen=True)
class Alert:
    kind: str  # "deterioration", "safety" or "overdue"
    message: str


@dataclass
class CaseloadRow:
    consent: Consent
    client: User
    results: int = 0
    last_measured: datetime | None = None
    latest: ScoredResult | None = None
    latest_score: float | None = None
    since_first: Change | None = None
    since_previous: Change | None = None
    next_due: NextDue | None = None
    overdue: list[DueMeasure] = field(default_factory=list)
    open_due: list[DueMeasure] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)

    @property
    def title(self) -> str:
        instrument = self.latest.instrument if self.latest else None
        return instrument.title if instrument else ""


def _outcome_in_sql() -> Case:
    """Each result's outcome-scale score, picked out of ``scale_scores`` by the database.

    Decoding 4,000 JSON objects in Python to read one number from each was most of a large
    caseload's time. The outcome scale is the current definition's for each check.
    """
    whens = [
        When(
            instrument_slug=instrument.slug,
            then=Cast(KeyTextTransform(instrument.outcome.scale, "scale_scores"), FloatField()),
        )
        for instrument in library.all()
        if instrument.outcome is not None
    ]
    return Case(*whens, default=Value(None), output_field=FloatField())


def shared_results(consent: Consent) -> list[ScoredResult]:
    """The results ``consent`` shares, oldest first, with every scale's score (one query)."""
    if not consent.is_current:
        return []
    rows = (
        Response.objects.filter(consent.shared_responses_filter())
        .order_by("completed_at", "pk")
        .values(*RESULT_FIELDS, "public_id", "scale_scores")
    )
    results = []
    for row in rows:
        instrument = _instrument(row["instrument_slug"], row["instrument_version"])
        scores = row["scale_scores"] or {}
        outcome = None
        if instrument is not None and instrument.outcome is not None:
            outcome = scores.get(instrument.outcome.scale)
        results.append(
            ScoredResult(
                pk=row["pk"],
                instrument_slug=row["instrument_slug"],
                instrument_version=row["instrument_version"],
                completed_at=row["completed_at"],
                outcome=outcome,
                scale_scores=scores,
                public_id=row["public_id"],
            )
        )
    return results


def _change(instrument: Instrument, before: float, after: float) -> Change:
    judged = instrument.outcome_change(before, after)
    return Change(status=judged.status, difference=after - before)


def outcome_changes(results: Sequence[ScoredResult]) -> tuple[Change | None, Change | None]:
    """The latest result's outcome change against the first and the previous of its check."""
    if not results:
        return None, None
    latest = results[-1]
    instrument = latest.instrument
    score = latest.outcome_score()
    if instrument is None or instrument.outcome is None or score is None:
        return None, None
    same = [
        r
        for r in results[:-1]
        if r.instrument_slug == latest.instrument_slug and r.outcome_score() is not None
    ]
    if not same:
        return None, None
    first = _change(instrument, same[0].outcome_score() or 0.0, score)
    previous = _change(instrument, same[-1].outcome_score() or 0.0, score)
    return first, previous


def _has_safety_flag(response: Response) -> bool:
    result = response.result or {}
    return any(flag.get("key") == SAFETY_FLAG for flag in result.get("flags", []))


def safety_flagged(consent: Consent, latest_pk: int) -> bool:
    """Whether the latest shared result raised the safety flag, for a consent that says yes."""
    if not consent.share_safety:
        return False
    response = Response.objects.filter(pk=latest_pk).only("result_encrypted").first()
    return response is not None and _has_safety_flag(response)


def caseload(therapist: User, now: datetime) -> list[CaseloadRow]:
    """Every client who shares results with ``therapist``, alerts first, then by name.

    A fixed number of queries whatever the caseload's size: the consents with their clients,
    the results, the schedules, the due measures, the bookings, and the latest results of
    the clients who share safety answers.
    """
    consents = list(Consent.objects.current().filter(therapist=therapist).select_related("client"))
    if not consents:
        return []
    by_client = {consent.client_id: consent for consent in consents}
    results: dict[int, list[ScoredResult]] = defaultdict(list)
    candidates = (
        Response.objects.completed()
        .filter(owner_id__in=list(by_client))
        .annotate(outcome=_outcome_in_sql())
        .order_by("completed_at", "pk")
        .values_list("owner_id", *RESULT_FIELDS, "outcome")
    )
    for owner_id, pk, slug, version, completed_at, outcome in candidates:
        if by_client[owner_id].covers(slug, completed_at):
            results[owner_id].append(ScoredResult(pk, slug, version, completed_at, outcome))

    schedules: dict[int, list[MeasureSchedule]] = defaultdict(list)
    for schedule in MeasureSchedule.objects.filter(consent__in=consents, is_active=True).order_by(
        "pk"
    ):
        schedules[schedule.consent_id].append(schedule)
    open_due: dict[int, list[DueMeasure]] = defaultdict(list)
    for due in (
        DueMeasure.objects.filter(
            schedule__consent__in=consents, schedule__is_active=True, completed_at__isnull=True
        )
        .select_related("schedule")
        .order_by("due_at")
    ):
        open_due[due.schedule.consent_id].append(due)
    bookings: dict[int, list[tuple[str, datetime, datetime]]] = defaultdict(list)
    for client_id, status, starts_at, ends_at in Booking.objects.filter(
        therapist__user=therapist, client_id__in=list(by_client)
    ).values_list("client_id", "status", "starts_at", "ends_at"):
        bookings[client_id].append((status, starts_at, ends_at))

    overdue_days = settings.PRACTICE_OVERDUE_DAYS
    rows = []
    safety_candidates: dict[int, CaseloadRow] = {}
    for consent in consents:
        client_results = results.get(consent.client_id, [])
        row = CaseloadRow(consent=consent, client=consent.client, results=len(client_results))
        sessions: Sessions = sessions_from(bookings.get(consent.client_id, []), now)
        if client_results:
            latest = client_results[-1]
            row.latest = latest
            row.last_measured = latest.completed_at
            row.latest_score = latest.outcome_score()
            row.since_first, row.since_previous = outcome_changes(client_results)
            if consent.share_safety:
                safety_candidates[latest.pk] = row
        upcoming = [next_due(s, sessions, now) for s in schedules.get(consent.pk, [])]
        dated = [due for due in upcoming if due.at is not None]
        if dated:
            row.next_due = min(dated, key=lambda due: due.at or now)
        elif upcoming:
            row.next_due = min(upcoming, key=lambda due: due.sessions_to_go or 0)
        row.open_due = open_due.get(consent.pk, [])
        row.overdue = [due for due in row.open_due if due.is_overdue(now, overdue_days)]
        if any(
            change is not None and change.status == "deteriorated"
            for change in (row.since_first, row.since_previous)
        ):
            row.alerts.append(Alert("deterioration", f"Reliable deterioration on the {row.title}."))
        if row.overdue:
            oldest = row.overdue[0]
            row.alerts.append(
                Alert(
                    "overdue",
                    f"A measure due on {oldest.due_at:%d %b %Y} is more than {overdue_days} "
                    "days overdue.",
                )
            )
        rows.append(row)

    if safety_candidates:
        flagged = Response.objects.filter(pk__in=list(safety_candidates)).only(
            "pk", "result_encrypted"
        )
        for response in flagged:
            if _has_safety_flag(response):
                safety_candidates[response.pk].alerts.insert(
                    0, Alert("safety", "The latest result raised a safety flag.")
                )
    rows.sort(key=lambda row: (not row.alerts, (row.client.name or row.client.email).lower()))
    return rows
