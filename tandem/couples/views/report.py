"""The couple's page: where they are, the report of each round, its PDF, history and therapists."""

from __future__ import annotations

from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from tandem.assessments.flow import check_flow
from tandem.assessments.presentation import result_view
from tandem.couples import services
from tandem.couples.forms import CouplePreferencesForm
from tandem.couples.history import couple_history
from tandem.couples.matching import couple_matches, couple_needs
from tandem.couples.models import INSTRUMENT, CoupleStatus
from tandem.couples.views.common import (
    NOT_AVAILABLE,
    active_parts,
    base_context,
    get_member_for_user,
    partner_of,
    report_context,
    round_for_user,
    round_states,
)


@never_cache
@login_required
@require_safe
def detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    member = get_member_for_user(request, public_id)
    couple = member.couple
    partner = partner_of(member)
    context = base_context(member, partner)
    if couple.status == CoupleStatus.PENDING:
        invitation = couple.invitations.filter(status="pending").first()
        now = timezone.now()
        context.update(
            {
                "invitation": invitation,
                "expired": invitation is not None and invitation.is_expired(now),
                "can_resend": invitation is not None
                and invitation.next_send_allowed_at() is not None,
            }
        )
        return render(request, "couples/pending.html", context)
    if partner is None:  # pragma: no cover - an active couple has two current members
        raise Http404("No such couple check.")
    states = round_states(member, partner)
    latest = states[-1]
    services.notify_if_ready(round_=latest.round, member_ids=[member.user_id, partner.user_id])
    earlier = [s for s in states[:-1] if s.report_available]
    context.update(
        {
            "state": latest,
            "round": latest.round,
            "earlier": earlier[-1] if earlier else None,
            "flow": check_flow(INSTRUMENT, latest.round.instrument_version),
            # The viewer's own flag, for their eyes only: their own result's safety panel.
            "own_view": result_view(latest.viewer_response.result or {})
            if latest.viewer_flagged and latest.viewer_response is not None
            else None,
            **report_context(latest, partner),
        }
    )
    return render(request, "couples/detail.html", context)


@never_cache
@login_required
@require_safe
def round_report(request: HttpRequest, public_id: UUID, number: int) -> HttpResponse:
    member, partner, round_, state = round_for_user(request, public_id, number)
    context = base_context(member, partner)
    context.update({"state": state, "round": round_, **report_context(state, partner)})
    return render(request, "couples/round.html", context)


@never_cache
@login_required
@require_safe
def report_pdf(request: HttpRequest, public_id: UUID, number: int) -> HttpResponse:
    from weasyprint import HTML

    member, partner, round_, state = round_for_user(request, public_id, number)
    if not state.report_available:
        # The same 404 whatever the reason: not answered, or a flag on either side.
        raise Http404(NOT_AVAILABLE)
    context = base_context(member, partner)
    context.update(
        {"state": state, "round": round_, "printed_at": timezone.now(), "printing": True}
    )
    context.update(report_context(state, partner))
    html = render_to_string("couples/report_pdf.html", context, request=request)
    pdf = HTML(string=html, base_url=str(settings.BASE_DIR / "static")).write_pdf()
    download = HttpResponse(pdf, content_type="application/pdf")
    download["Content-Disposition"] = (
        f'attachment; filename="tandem-couple-report-{round_.number}.pdf"'
    )
    return download


@never_cache
@login_required
@require_safe
def history(request: HttpRequest, public_id: UUID) -> HttpResponse:
    member, partner = active_parts(request, public_id)
    states = round_states(member, partner)
    context = base_context(member, partner)
    context["history"] = couple_history(
        [state for state in states if state.report_available], partner_name=partner.display_name
    )
    return render(request, "couples/history.html", context)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def therapists(request: HttpRequest, public_id: UUID) -> HttpResponse:
    member, partner = active_parts(request, public_id)
    context = base_context(member, partner)
    available = any(state.report_available for state in round_states(member, partner))
    context["available"] = available
    if not available:
        return render(request, "couples/therapists.html", context)
    initial = {
        "budget_share": None
        if member.budget_share_minor is None
        else member.budget_share_minor // 100,
        "formats": member.formats,
    }
    form = CouplePreferencesForm(
        request.POST if request.method == "POST" else None, initial=initial
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            share = form.cleaned_data["budget_share"]
            member.budget_share_minor = None if share is None else share * 100
            member.formats = list(form.cleaned_data["formats"])
            member.save(update_fields=["budget_share_minor", "formats"])
            messages.success(request, "Saved. These matches use what you both said.")
            return redirect("couples:therapists", public_id=public_id)
        form.describe_errors()
        status = 400
    needs = couple_needs([member, partner])
    context.update({"form": form, "needs": needs, "matches": couple_matches(needs)})
    return render(request, "couples/therapists.html", context, status=status)
