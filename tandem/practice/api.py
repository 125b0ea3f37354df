"""The practice's read-only JSON API: a therapist's caseload and one client's results.

Session auth (``django_auth``), the same consent rule as the pages
(``Consent.objects.readable_by``), and every read written to the client's access log. A
consent that is not current, or not the caller's, answers 404 like one that never existed.
"""

from __future__ import annotations

from datetime import date, datetime

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.security import django_auth
from pydantic import Field

from tandem.accounts.access_log import AccessKind, record_access, record_accesses
from tandem.accounts.models import Role, User
from tandem.lib.api_refusals import refusals
from tandem.practice.models import Consent
from tandem.practice.progress import caseload, outcome_changes, shared_results

router = Router(tags=["practice"])


class Detail(Schema):
    detail: str


class AlertOut(Schema):
    kind: str = Field(description="deterioration, safety or overdue")
    message: str


class CaseloadClientOut(Schema):
    consent: int = Field(description="The consent's id: the client's key in these routes.")
    name: str
    results: int
    last_measured: datetime | None
    instrument: str | None = Field(description="The check of the latest shared result.")
    latest_score: float | None = Field(description="Its outcome scale's score, 0-100.")
    since_first: str | None = Field(
        description="recovered, improved, no_reliable_change or deteriorated"
    )
    since_previous: str | None
    next_due: datetime | None
    sessions_to_next_due: int | None
    overdue: int
    alerts: list[AlertOut]


class ResultOut(Schema):
    id: str
    instrument: str
    version: int
    completed_at: datetime
    scores: dict[str, float] = Field(description="Each scale's 0-100 score.")


class ClientResultsOut(Schema):
    consent: int
    name: str
    instruments: list[str]
    share_from: date
    shares_safety: bool
    since_first: str | None
    since_previous: str | None
    results: list[ResultOut]


def _therapist(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or user.role != Role.THERAPIST:
        raise HttpError(404, "No such page.")
    return user


@router.get(
    "/practice/caseload",
    auth=django_auth,
    response={200: list[CaseloadClientOut], **refusals(401, 404)},
    url_name="practice_caseload",
)
def caseload_api(request: HttpRequest) -> list[CaseloadClientOut]:
    """Every client who shares results with you, alerts first."""
    therapist = _therapist(request)
    rows = caseload(therapist, timezone.now())
    record_accesses(
        viewer=therapist,
        kind=AccessKind.CASELOAD,
        reads=[(row.client.pk, row.consent.pk, "API") for row in rows if row.latest is not None],
    )
    return [
        CaseloadClientOut(
            consent=row.consent.pk,
            name=row.client.name or row.client.email,
            results=row.results,
            last_measured=row.last_measured,
            instrument=row.latest.instrument_slug if row.latest else None,
            latest_score=row.latest_score,
            since_first=row.since_first.status if row.since_first else None,
            since_previous=row.since_previous.status if row.since_previous else None,
            next_due=row.next_due.at if row.next_due else None,
            sessions_to_next_due=row.next_due.sessions_to_go if row.next_due else None,
            overdue=len(row.overdue),
            alerts=[AlertOut(kind=alert.kind, message=alert.message) for alert in row.alerts],
        )
        for row in rows
    ]


@router.get(
    "/practice/clients/{consent_id}/results",
    auth=django_auth,
    response={200: ClientResultsOut, **refusals(401, 404, 422)},
    url_name="practice_client_results",
)
def client_results_api(request: HttpRequest, consent_id: int) -> ClientResultsOut:
    """The results one client shares with you, oldest first, with the latest change."""
    therapist = _therapist(request)
    consent = (
        Consent.objects.readable_by(therapist)
        .select_related("client")
        .filter(pk=consent_id)
        .first()
    )
    if consent is None:
        raise HttpError(404, "No such client.")
    results = shared_results(consent)
    record_access(
        subject=consent.client,
        viewer=therapist,
        kind=AccessKind.HISTORY,
        detail="API",
        consent_id=consent.pk,
    )
    since_first, since_previous = outcome_changes(results)
    return ClientResultsOut(
        consent=consent.pk,
        name=consent.client.name or consent.client.email,
        instruments=list(consent.instruments),
        share_from=consent.share_from,
        shares_safety=consent.share_safety,
        since_first=since_first.status if since_first else None,
        since_previous=since_previous.status if since_previous else None,
        results=[
            ResultOut(
                id=str(result.public_id),
                instrument=result.instrument_slug,
                version=result.instrument_version,
                completed_at=result.completed_at,
                scores=result.scale_scores,
            )
            for result in results
        ],
    )
