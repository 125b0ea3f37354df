"""Two partners side by side on the therapist's client page, and its CSV.

Both need two current consents with this therapist, one from each partner of an active
couple check; with one, the page shows one person and the CSV answers 404, as for any
client the therapist may not read. Each partner's read is written to their own access log
with their own consent's id.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from tandem.accounts.access_log import AccessKind, record_accesses
from tandem.accounts.models import User
from tandem.practice.couple import CoupleView, couple_view, partner_consent
from tandem.practice.models import Consent
from tandem.practice.views.common import NOT_SHARED, consent_for_therapist, csv_response, user_of


def couple_for(consent: Consent, therapist: User, *, kind: str, detail: str) -> CoupleView | None:
    """The couple view for ``consent``'s client, with both partners' reads logged, or None
    when the partner does not share with ``therapist`` (then nothing is read or logged)."""
    partner = partner_consent(consent, therapist)
    if partner is None:
        return None
    view = couple_view(consent, partner)
    if view.report is not None:
        detail = f"{detail} with the couple report"
    record_accesses(
        viewer=therapist,
        kind=kind,
        reads=[(c.client_id, c.pk, detail) for c in (consent, partner)],
    )
    return view


def _score(value: float | None) -> str:
    return "" if value is None else str(round(value))


def _view(value: float | None) -> str:
    """A view of a balance, -3 to +3: positive, the client gives more."""
    return "" if value is None else f"{value:+.1f}"


@never_cache
@login_required
@require_safe
def couple_csv(request: HttpRequest, consent_id: int) -> HttpResponse:
    consent = consent_for_therapist(request, consent_id)
    view = couple_for(consent, user_of(request), kind=AccessKind.EXPORT, detail="couple CSV")
    if view is None:
        raise Http404(NOT_SHARED)
    client = view.client.name or view.client.email
    partner = view.partner.name or view.partner.email
    response, writer = csv_response(f"tandem-couple-{consent.pk}.csv")
    writer.writerow(["section", "check", "measure", client, partner])
    for check in view.checks:
        title = check.instrument.title
        writer.writerow(
            [
                "latest result",
                title,
                "completed",
                check.client.result.completed_at.isoformat(),
                check.partner.result.completed_at.isoformat(),
            ]
        )
        for label, side in (
            ("since the first", "since_first"),
            ("since the previous", "since_previous"),
        ):
            mine, theirs = getattr(check.client, side), getattr(check.partner, side)
            writer.writerow(
                [
                    "latest result",
                    title,
                    label,
                    mine.words if mine else "",
                    theirs.words if theirs else "",
                ]
            )
        for scale, mine_score, their_score in check.rows:
            writer.writerow(
                ["latest result", title, scale, _score(mine_score), _score(their_score)]
            )
    if view.report is not None and view.report_round is not None:
        title = f"{view.report.instrument.title}, round {view.report_round.number}"
        for balance in view.report.balances:
            writer.writerow(
                ["couple report", title, balance.title, _view(balance.mine), _view(balance.theirs)]
            )
        for seen in view.report.seen:
            writer.writerow(
                ["couple report", title, seen.title, _score(seen.mine), _score(seen.theirs)]
            )
    return response
