"""Lookups every practice page shares: who is asking, and under which consent."""

from __future__ import annotations

import csv
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse

from tandem.accounts.models import Role, User
from tandem.assessments.models import Response
from tandem.assessments.presentation import ResultView, result_view
from tandem.instruments import UnknownInstrument, library
from tandem.practice.models import Consent

NOT_SHARED = "No such client."


def user_of(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # guaranteed by @login_required
    return request.user


def therapist_of(request: HttpRequest) -> User:
    """The signed-in therapist; anyone else is told the page does not exist."""
    user = user_of(request)
    if user.role != Role.THERAPIST:
        raise Http404("No such page.")
    return user


def consent_for_therapist(request: HttpRequest, consent_id: int) -> Consent:
    """The signed-in therapist's current consent with this id, else a 404.

    A revoked consent, another therapist's, or one that never existed look the same.
    select_related: every page names the client.
    """
    consent = (
        Consent.objects.readable_by(request.user)
        .select_related("client")
        .filter(pk=consent_id)
        .first()
    )
    if consent is None:
        raise Http404(NOT_SHARED)
    return consent


def consent_for_client(request: HttpRequest, consent_id: int) -> Consent:
    """One of the signed-in client's own current consents, else a 404."""
    consent = (
        Consent.objects.current()
        .select_related("therapist")
        .filter(pk=consent_id, client=user_of(request))
        .first()
    )
    if consent is None:
        raise Http404("No such consent.")
    return consent


def csv_response(filename: str) -> tuple[HttpResponse, Any]:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response, csv.writer(response)


def title_of(slug: str) -> str:
    try:
        return library.get(slug).title
    except UnknownInstrument:
        return slug


def shared_result(consent: Consent, response: Response) -> tuple[dict[str, Any], ResultView]:
    """A result as the therapist may see it under ``consent`` (already checked to cover it).

    Without the separate yes, nothing that comes from the safety answers is shown: the
    flags, and the plan, whose order they change. Always hidden, flagged or not, so its
    absence says nothing.
    """
    result = dict(response.result or {})
    if not consent.share_safety:
        result["flags"] = []
        result["plan"] = []
    return result, result_view(result)
