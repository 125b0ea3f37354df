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
from django.db.models import Case, Count, F, FloatField, Q, Value, When
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from django.utils import dateformat, timezone

from tandem.accounts.models import User
from tandem.assessments.models import Response
from tandem.assessments.presentation import SAFETY_FLAG
from tandem.booking.models import ACTIVE_STATUSES, Booking
from tandem.instruments import Instrument, UnknownInstrument, library
from tandem.practice.models import Consent, DueMeasure, MeasureSchedule
from tandem.practice.schedule import ATTENDED_STATUSES, NextDue, Sessions, next_due

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
    title: str = ""  # the latest result's check, worked out once rather than per use

    # What the caseload's cells say, worked out here once per row: a 200-row page spent
    # much of its time in the template's chains of conditions.
    @property
    def score_words(self) -> str:
        if self.latest_score is not None:
            return f"{self.latest_score:.0f}"
        return "Not scored" if self.latest is not None else "No results yet"

    @property
    def next_due_words(self) -> str:
        if self.overdue:
            return f"{len(self.overdue)} overdue"
        if self.open_due:
            return "Due now"
        if self.next_due is not None and self.next_due.at is not None:
            return dateformat.format(timezone.localtime(self.next_due.at), "j M Y")
        if self.next_due is not None and self.next_due.sessions_to_go:
            to_go = self.next_due.sessions_to_go
            return f"After {to_go} more session{'s' if to_go != 1 else ''}"
        return "Nothing scheduled"


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


def _changes(
    instrument: Instrument, earlier: Sequence[float], score: float
) -> tuple[Change | None, Change | None]:
    """A score's change against the first and the last of the same check's earlier scores."""
    if not earlier:
        return None, None
    return _change(instrument, earlier[0], score), _change(instrument, earlier[-1], score)


def outcome_changes(results: Sequence[ScoredResult]) -> tuple[Change | None, Change | None]:
    """The latest result's outcome change against the first and the previous of its check."""
    if not results:
        return None, None
    latest = results[-1]
    instrument = latest.instrument
    score = latest.outcome_score()
    if instrument is None or instrument.outcome is None or score is None:
        return None, None
    earlier = [
        r.outcome
        for r in results[:-1]
        if r.instrument_slug == latest.instrument_slug and r.outcome is not None
    ]
    return _changes(instrument, earlier, score)


def _has_safety_flag(response: Response) -> bool:
    result = response.result or {}
    return any(flag.get("key") == SAFETY_FLAG for flag in result.get("flags", []))


def safety_flagged(consent: Consent, latest_pk: int) -> bool:
    """Whether the latest shared result raised the safety flag, for a consent that says yes."""
    if not consent.share_safety:
        return False
    response = Response.objects.filter(pk=latest_pk).only("result_encrypted").first()
    return response is not None and _has_safety_flag(response)


def _latest_scores(
    therapist: User, by_client: dict[int, Consent]
) -> tuple[dict[int, int], dict[int, ScoredResult], dict[int, list[float]]]:
    """Per client: how many results are shared, the latest, and the earlier outcome scores of
    the latest's check, oldest first.

    The consented dates are checked by the database, through the client's current consent
    with this therapist; the shared checks (a JSON list) per row here. Only the outcome score
    is read for every result, and the completion time only of the latest (a second query):
    converting 4,000 timestamps was a large part of a big caseload's time.
    """
    rows: dict[int, list[tuple[int, str, int, float | None]]] = defaultdict(list)
    shared = (
        Response.objects.completed()
        .filter(
            Q(owner_id__in=list(by_client), owner__consents_given__therapist=therapist)
            & Consent.shared_dates_filter("owner__consents_given__")
        )
        .annotate(outcome=_outcome_in_sql())
        .order_by("completed_at", "pk")
        .values_list("owner_id", "pk", "instrument_slug", "instrument_version", "outcome")
    )
    for owner_id, pk, slug, version, outcome in shared:
        if slug in by_client[owner_id].instruments:
            rows[owner_id].append((pk, slug, version, outcome))
    counts = {owner_id: len(results) for owner_id, results in rows.items()}
    completed: dict[int, datetime] = {
        pk: at
        for pk, at in Response.objects.filter(
            pk__in=[results[-1][0] for results in rows.values()]
        ).values_list("pk", "completed_at")
        if at is not None  # always set on a completed result
    }
    latest: dict[int, ScoredResult] = {}
    earlier: dict[int, list[float]] = {}
    for owner_id, results in rows.items():
        pk, slug, version, outcome = results[-1]
        latest[owner_id] = ScoredResult(pk, slug, version, completed[pk], outcome)
        earlier[owner_id] = [
            score for _, other, _, score in results[:-1] if other == slug and score is not None
        ]
    return counts, latest, earlier


def _schedules(
    therapist: User, consents: list[Consent], now: datetime
) -> dict[int, list[MeasureSchedule]]:
    """The active schedules of ``consents``, each with ``attended``: the sessions attended
    since it started, counted by the database (one join and a GROUP BY) rather than read
    one by one."""
    bookings = "consent__client__bookings__"
    attended = Count(
        "consent__client__bookings",
        filter=Q(
            **{
                f"{bookings}therapist__user_id": therapist.pk,
                f"{bookings}status__in": ATTENDED_STATUSES,
                f"{bookings}ends_at__lte": now,
                f"{bookings}ends_at__gt": F("starts_at"),
            }
        ),
    )
    schedules: dict[int, list[MeasureSchedule]] = defaultdict(list)
    for schedule in (
        MeasureSchedule.objects.filter(consent__in=consents, is_active=True)
        .annotate(attended=attended)
        .order_by("pk")
    ):
        schedules[schedule.consent_id].append(schedule)
    return schedules


def caseload(therapist: User, now: datetime) -> list[CaseloadRow]:
    """Every client who shares results with ``therapist``, alerts first, then by name.

    A fixed number of queries whatever the caseload's size: the consents with their clients,
    the shared results' outcome scores, the latest results' dates, the schedules with their
    attended sessions, the due measures, the upcoming bookings, and the latest results of
    the clients who share safety answers.
    """
    consents = list(Consent.objects.current().filter(therapist=therapist).select_related("client"))
    if not consents:
        return []
    by_client = {consent.client_id: consent for consent in consents}
    counts, latest, earlier = _latest_scores(therapist, by_client)
    schedules = _schedules(therapist, consents, now)
    open_due: dict[int, list[DueMeasure]] = defaultdict(list)
    for due in (
        DueMeasure.objects.filter(
            schedule__consent__in=consents, schedule__is_active=True, completed_at__isnull=True
        )
        .select_related("schedule")
        .order_by("due_at")
    ):
        open_due[due.schedule.consent_id].append(due)
    upcoming: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    for client_id, starts_at, ends_at in (
        Booking.objects.filter(
            therapist__user=therapist,
            client_id__in=list(by_client),
            status__in=ACTIVE_STATUSES,
            starts_at__gt=now,
        )
        .order_by("starts_at")
        .values_list("client_id", "starts_at", "ends_at")
    ):
        upcoming[client_id].append((starts_at, ends_at))

    overdue_days = settings.PRACTICE_OVERDUE_DAYS
    rows = []
    safety_candidates: dict[int, CaseloadRow] = {}
    for consent in consents:
        row = CaseloadRow(
            consent=consent, client=consent.client, results=counts.get(consent.client_id, 0)
        )
        sessions = Sessions((), tuple(upcoming.get(consent.client_id, [])))
        row.latest = latest.get(consent.client_id)
        if row.latest is not None:
            row.last_measured = row.latest.completed_at
            row.latest_score = row.latest.outcome
            instrument = row.latest.instrument
            row.title = instrument.title if instrument else ""
            if (
                instrument is not None
                and instrument.outcome is not None
                and row.latest_score is not None
            ):
                row.since_first, row.since_previous = _changes(
                    instrument, earlier[consent.client_id], row.latest_score
                )
            if consent.share_safety:
                safety_candidates[row.latest.pk] = row
        next_dues = [
            next_due(s, sessions, now, attended=getattr(s, "attended", 0))
            for s in schedules.get(consent.pk, [])
        ]
        dated = [due for due in next_dues if due.at is not None]
        if dated:
            row.next_due = min(dated, key=lambda due: due.at or now)
        elif next_dues:
            row.next_due = min(next_dues, key=lambda due: due.sessions_to_go or 0)
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
