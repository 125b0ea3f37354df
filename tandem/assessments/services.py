"""Workflows of the checks: saving answers, finishing, keeping, purging and re-encrypting."""

from __future__ import annotations

import copy
import secrets
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from tandem.assessments.flow import CheckFlow, FlowSection
from tandem.assessments.models import (
    ANONYMOUS_RETENTION,
    Response,
    ResponseStatus,
    claim_hash,
)
from tandem.instruments import UnknownInstrument, fhir, library
from tandem.lib import crypto

if TYPE_CHECKING:
    from tandem.accounts.models import User

__all__ = [
    "erase_responses",
    "export_responses",
    "keep_response",
    "new_claim_token",
    "purge_anonymous_responses",
    "reencrypt_responses",
    "save_section_answers",
    "start_response",
]


def new_claim_token() -> str:
    return secrets.token_urlsafe(32)


def start_response(*, flow: CheckFlow, owner: User | None, claim_token: str | None) -> Response:
    """A new, empty response to ``flow``'s instrument, owned or claimable with the token."""
    if owner is None and not claim_token:
        raise ValueError("an anonymous response needs a claim token")
    response = Response(
        owner=owner,
        anonymous_claim_hash="" if owner is not None else claim_hash(claim_token or ""),
        instrument_slug=flow.instrument.slug,
        instrument_version=flow.instrument.version,
    )
    response.set_answers({})
    response.save()
    return response


def save_section_answers(
    *,
    response: Response,
    section: FlowSection,
    answers: Mapping[str, int | None],
    finish: CheckFlow | None = None,
) -> tuple[dict[str, int | None], bool]:
    """Replace the answers to ``section``'s items and keep every other answer.

    With ``finish`` (the check's pages, given when the person presses "See my results"), a
    response whose every required question is now answered is scored as a session (the
    instrument with its companions) and completed in the same write.

    Two tabs saving different sections at once must not drop each other's answers, and a
    double click on "See my results" must not complete a response twice. The answers are
    merged into those ``response`` was read with and written only if the row is still that
    version (every save changes ``updated_at``) and still in progress: one UPDATE, which is
    the usual case. When another request saved in between, the row is locked, read again and
    merged again.

    Returns:
        every answer so far, and whether the response is now completed.
    """
    if response.is_completed:
        raise ValueError("a completed response cannot be changed")
    draft = copy.copy(response)
    merged, completed, fields = _merge_section(draft, section, answers, finish)
    written = Response.objects.filter(
        pk=response.pk, status=ResponseStatus.IN_PROGRESS, updated_at=response.updated_at
    ).update(**{name: getattr(draft, name) for name in fields})
    if not written:
        with transaction.atomic():
            draft = Response.objects.select_for_update().get(pk=response.pk)
            if draft.is_completed:
                raise ValueError("a completed response cannot be changed")
            merged, completed, fields = _merge_section(draft, section, answers, finish)
            draft.save(update_fields=fields)
    for name in fields:
        setattr(response, name, getattr(draft, name))
    return merged, completed


def _merge_section(
    row: Response,
    section: FlowSection,
    answers: Mapping[str, int | None],
    finish: CheckFlow | None,
) -> tuple[dict[str, int | None], bool, list[str]]:
    """Put the section's answers into ``row`` (and its result, when it completes it).

    Returns every answer, whether the row is now completed, and the fields that changed.
    """
    merged = row.answers
    for item in section.items:
        merged[item.id] = answers.get(item.id)
    row.set_answers(merged)
    row.updated_at = timezone.now()
    fields = ["answers_encrypted", "updated_at"]
    completed = finish is not None and finish.first_incomplete(merged) is None
    if completed:
        result = library.score_session(row.instrument_slug, merged, version=row.instrument_version)
        row.set_result(result.to_dict())
        row.status = ResponseStatus.COMPLETED
        row.completed_at = row.updated_at
        fields += ["result_encrypted", "scale_scores", "status", "completed_at"]
    return merged, completed, fields


def keep_response(*, response: Response, user: User) -> Response:
    """Move an anonymous response into ``user``'s history (the claim was checked by the view)."""
    with transaction.atomic():
        # Conditional update: of two requests keeping the same result, only one moves it.
        moved = Response.objects.filter(pk=response.pk, owner__isnull=True).update(
            owner=user, anonymous_claim_hash="", updated_at=timezone.now()
        )
    response.refresh_from_db()
    if not moved and response.owner_id != user.pk:
        raise ValueError("this result already belongs to someone")
    return response


def purge_anonymous_responses(*, now: datetime | None = None) -> int:
    """Delete anonymous responses (answers and results) untouched for seven days."""
    moment = (now or timezone.now()) - ANONYMOUS_RETENTION
    deleted, _ = Response.objects.unclaimed_before(moment).delete()
    return deleted


@dataclass
class ReencryptionCounts:
    responses: int = 0
    ciphertexts: int = 0


def _batches(batch_size: int) -> Iterator[list[int]]:
    last = 0
    while True:
        ids = list(
            Response.objects.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        if not ids:
            return
        yield ids
        last = ids[-1]


def reencrypt_responses(*, batch_size: int = 500) -> ReencryptionCounts:
    """Re-encrypt every stored answer and result under the newest key.

    Idempotent: running it twice leaves everything readable under the newest key. Each batch
    is one transaction with its rows locked, so a visitor saving answers meanwhile is not
    overwritten with stale text.
    """
    counts = ReencryptionCounts()
    for ids in _batches(batch_size):
        with transaction.atomic():
            rows = list(Response.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
            for row in rows:
                changed = []
                for field in ("answers_encrypted", "result_encrypted"):
                    token = getattr(row, field)
                    if token:
                        setattr(row, field, crypto.rotate(token))
                        changed.append(field)
                        counts.ciphertexts += 1
                if changed:
                    Response.objects.filter(pk=row.pk).update(
                        **{field: getattr(row, field) for field in changed}
                    )
                counts.responses += 1
    return counts


def export_responses(user: User) -> list[dict[str, Any]]:
    return [
        {
            "id": str(response.public_id),
            "instrument": {
                "slug": response.instrument_slug,
                "version": response.instrument_version,
            },
            "status": response.status,
            "started_at": response.started_at.isoformat(),
            "completed_at": response.completed_at.isoformat() if response.completed_at else None,
            "answers": response.answers,
            "result": response.result,
        }
        for response in Response.objects.owned_by(user).order_by("started_at", "pk")
    ]


def export_results_fhir(user: User) -> dict[str, Any]:
    """The person's completed checks as one FHIR R4 Bundle (type ``collection``).

    Per response: a QuestionnaireResponse of the instrument (and one of each companion
    answered, e.g. safety) and Observations of the scores, style and raised flags that
    reference it; see tandem.instruments.fhir. A response to a version no longer in the
    library is left out of the bundle (its answers and result are in the ``assessments``
    section all the same).
    """
    entries: list[dict[str, Any]] = []
    for response in (
        Response.objects.owned_by(user)
        .filter(status=ResponseStatus.COMPLETED)
        .order_by("started_at", "pk")
    ):
        try:
            instrument = library.get(response.instrument_slug, response.instrument_version)
        except UnknownInstrument:
            continue
        companions = [library.get(slug) for slug in instrument.companions]
        answers = response.answers
        entries += fhir.bundle_entries(
            instrument,
            answers,
            instrument.score(answers, companions=companions),
            key=str(response.public_id),
            companions=companions,
            authored=response.completed_at.isoformat() if response.completed_at else None,
        )
    return fhir.collection(entries)


def erase_nothing_more(user: User) -> None:
    """The FHIR bundle is built from the responses, which ``erase_responses`` deletes."""


def erase_responses(user: User) -> None:
    Response.objects.owned_by(user).delete()
