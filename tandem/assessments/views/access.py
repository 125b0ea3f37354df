"""Who may see what: a check's response belongs to its owner, or to whoever holds its claim
token in this session; anything else is a 404."""

from __future__ import annotations

from uuid import UUID

from django.http import Http404, HttpRequest
from django.urls import reverse

from tandem.assessments import services
from tandem.assessments.flow import CheckFlow, FlowSection, check_flow, listed_instruments
from tandem.assessments.models import Response
from tandem.instruments import UnknownInstrument

#: In the visitor's session: public id of each anonymous response -> its claim token.


#: In the visitor's session: public id of each anonymous response -> its claim token.
CLAIMS_SESSION_KEY = "assessments_claims"


def _claims(request: HttpRequest) -> dict[str, str]:
    claims = request.session.get(CLAIMS_SESSION_KEY, {})
    return claims if isinstance(claims, dict) else {}


def remember_claim(request: HttpRequest, response: Response, token: str) -> None:
    claims = _claims(request)
    claims[str(response.public_id)] = token
    request.session[CLAIMS_SESSION_KEY] = claims


def forget_claim(request: HttpRequest, response: Response) -> None:
    claims = _claims(request)
    if claims.pop(str(response.public_id), None) is not None:
        request.session[CLAIMS_SESSION_KEY] = claims


def _is_viewers(request: HttpRequest, response: Response) -> bool:
    if request.user.is_authenticated and response.owner_id == request.user.pk:
        return True
    return response.is_claimable_with(_claims(request).get(str(response.public_id)))


def get_response_for_viewer(request: HttpRequest, public_id: UUID) -> Response:
    """A completed response the viewer owns, or holds the claim token of in this session.

    Anything else is a 404, never a 403: a result's existence is itself private. No
    select_related: the owner is compared by id and never read.
    """
    response = Response.objects.completed().filter(public_id=public_id).first()
    if response is None or not _is_viewers(request, response):
        raise Http404("No such result.")
    return response


def current_response(request: HttpRequest, slug: str) -> Response | None:
    """The viewer's unfinished response to ``slug``, if any.

    Signed in: their own, else one they began anonymously in this session (which becomes
    theirs, since they are the one carrying on). Anonymous: one claimed in this session.
    """
    unfinished = Response.objects.in_progress().filter(instrument_slug=slug)
    if request.user.is_authenticated:
        owned = unfinished.filter(owner=request.user).first()
        if owned is not None:
            return owned
    claims = _claims(request)
    if not claims:
        return None
    for response in unfinished.filter(owner__isnull=True, public_id__in=list(claims)):
        if response.is_claimable_with(claims.get(str(response.public_id))):
            if request.user.is_authenticated:
                services.keep_response(response=response, user=request.user)
                forget_claim(request, response)
            return response
    return None


def flow_or_404(slug: str, version: int | None = None) -> CheckFlow:
    try:
        flow = check_flow(slug, version)
    except UnknownInstrument as exc:
        raise Http404(f"There is no check called “{slug}”.") from exc
    if flow.instrument.slug not in {instrument.slug for instrument in listed_instruments()}:
        raise Http404(f"“{slug}” is asked as part of other checks, not on its own.")
    return flow


def section_url(flow: CheckFlow, section: FlowSection) -> str:
    return reverse("assessments:section", args=[flow.slug, section.id])
