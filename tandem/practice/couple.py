"""Two partners side by side, for a therapist both of them share results with.

Shown only when the client is in an active couple check (``tandem.couples``) and the partner
has a current consent with the same therapist too. With one consent, nothing here says that
a partner exists. Each partner's figures come from their own consent, exactly as on their
own page; safety flags are never shown here, whatever either consent says.

The couple report needs more: both consents' separate yes to share it, and both answers to
its round completed within both consents' dates. Only a round whose report the couple can
see themselves is used (``couples.services.round_state``: both answered, neither raised a
flag), the newest such round, so a flagged later round looks exactly like one not yet
answered.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tandem.accounts.models import User
from tandem.couples.models import Round
from tandem.couples.report import CoupleReport
from tandem.couples.services import build_report, current_member, current_partner, round_state
from tandem.instruments import Instrument
from tandem.practice.models import Consent
from tandem.practice.progress import Change, ScoredResult, outcome_changes, shared_results

__all__ = ["CoupleView", "SideBySide", "couple_view", "partner_consent"]


@dataclass(frozen=True)
class Side:
    """One partner's latest result of a check, and its change on the outcome scale."""

    result: ScoredResult
    since_first: Change | None
    since_previous: Change | None


@dataclass(frozen=True)
class SideBySide:
    """One check both partners share, with a result from each: the latest of each."""

    instrument: Instrument
    client: Side
    partner: Side
    rows: list[tuple[str, float | None, float | None]]  # (scale title, client, partner)


@dataclass(frozen=True)
class CoupleView:
    client_consent: Consent
    partner_consent: Consent
    checks: list[SideBySide]
    report_shared: bool  # both said yes to sharing the couple report
    report: CoupleReport | None
    report_round: Round | None

    @property
    def client(self) -> User:
        return self.client_consent.client

    @property
    def partner(self) -> User:
        return self.partner_consent.client


def partner_consent(consent: Consent, therapist: User) -> Consent | None:
    """The partner's current consent with ``therapist``, when ``consent``'s client is in an
    active couple check and that partner shares with the same therapist; else None."""
    if not consent.is_current:
        return None
    partner = current_partner(consent.client)
    if partner is None:
        return None
    return (
        Consent.objects.readable_by(therapist)
        .select_related("client")
        .filter(client=partner)
        .first()
    )


def _side(results: Sequence[ScoredResult], slug: str) -> Side | None:
    same = [result for result in results if result.instrument_slug == slug]
    if not same:
        return None
    since_first, since_previous = outcome_changes(same)
    return Side(same[-1], since_first, since_previous)


def _checks(mine: Sequence[ScoredResult], theirs: Sequence[ScoredResult]) -> list[SideBySide]:
    checks = []
    slugs = dict.fromkeys(result.instrument_slug for result in mine)
    for slug in slugs:
        client, partner = _side(mine, slug), _side(theirs, slug)
        if client is None or partner is None:
            continue
        instrument = client.result.instrument
        if instrument is None:
            continue
        rows = [
            (
                scale.title,
                client.result.scale_scores.get(key),
                partner.result.scale_scores.get(key),
            )
            for key, scale in instrument.scales.items()
        ]
        checks.append(SideBySide(instrument, client, partner, rows))
    return checks


def _report(client: Consent, partner: Consent) -> tuple[CoupleReport | None, Round | None]:
    """The newest round's couple report both consents share, in the client's frame."""
    member = current_member(client.client)
    if member is None:
        return None, None
    rounds = Round.objects.filter(couple_id=member.couple_id).select_related("couple")
    for round_ in rounds.order_by("-number"):
        state = round_state(round_=round_, viewer=client.client, partner_id=partner.client_id)
        if not state.report_available or state.partner_response is None:
            continue
        if state.viewer_response is None:  # pragma: no cover - "ready" always has both
            continue
        if client.covers_couple_report(
            state.viewer_response.completed_at
        ) and partner.covers_couple_report(state.partner_response.completed_at):
            name = partner.client.name or partner.client.email
            return build_report(state, partner_name=name), round_
    return None, None


def couple_view(consent: Consent, partner: Consent) -> CoupleView:
    """The two partners side by side: each check both share, and the couple report when
    both share it. ``partner`` comes from :func:`partner_consent`."""
    checks = _checks(shared_results(consent), shared_results(partner))
    shared = consent.share_couple_report and partner.share_couple_report
    report, round_ = _report(consent, partner) if shared else (None, None)
    return CoupleView(consent, partner, checks, shared, report, round_)
