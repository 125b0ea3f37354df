"""Starting a couple check, inviting a partner, joining, starting again and leaving."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tandem.couples import services
from tandem.couples.forms import AcceptForm, StartForm
from tandem.couples.models import Member
from tandem.couples.services import CoupleRefused
from tandem.couples.views.common import (
    active_parts,
    base_context,
    get_member_for_user,
    partner_of,
    viewer,
)


@never_cache
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """What a couple check is; signed in, the form to start one (or the current one)."""
    if not request.user.is_authenticated:
        return render(request, "couples/home.html", {"form": None, "ended": False})
    current = services.current_member(viewer(request))
    if current is not None:
        return redirect(current.couple)
    ended = (
        Member.objects.filter(user=viewer(request), left_at__isnull=False)
        .order_by("-left_at")
        .first()
    )
    return render(
        request,
        "couples/home.html",
        {"form": StartForm(), "ended": ended is not None},
    )


@login_required
@require_POST
def start(request: HttpRequest) -> HttpResponse:
    form = StartForm(request.POST)
    if form.is_valid():
        try:
            couple = services.couple_start(
                user=viewer(request),
                partner_email=form.cleaned_data["partner_email"],
                consent=form.cleaned_data["consent"],
            )
        except CoupleRefused as refusal:
            if refusal.field:
                form.add_error(refusal.field, refusal.reason)
            else:
                messages.error(request, refusal.reason)
                return redirect("couples:home")
        else:
            messages.success(
                request,
                "Your invitation is on its way. We will let you know here when your partner "
                "accepts.",
            )
            return redirect(couple)
    return render(request, "couples/home.html", {"form": form, "ended": False}, status=400)


@login_required
@require_POST
def resend(request: HttpRequest, public_id: UUID) -> HttpResponse:
    member = get_member_for_user(request, public_id)
    try:
        services.invitation_resend(couple=member.couple, user=viewer(request))
    except CoupleRefused as refusal:
        messages.error(request, refusal.reason)
        return redirect(member.couple)
    messages.success(
        request, "We have sent the invitation again. The earlier link no longer works."
    )
    return redirect(member.couple)


@login_required
@require_POST
def withdraw(request: HttpRequest, public_id: UUID) -> HttpResponse:
    member = get_member_for_user(request, public_id)
    try:
        services.invitation_withdraw(couple=member.couple, user=viewer(request))
    except CoupleRefused as refusal:
        messages.error(request, refusal.reason)
        return redirect(member.couple)
    messages.success(request, "The invitation is withdrawn; its link no longer works.")
    return redirect("couples:home")


@never_cache
@require_http_methods(["GET", "POST"])
def join(request: HttpRequest, token: str) -> HttpResponse:
    """The invitation link: sign in or sign up first (back here after), then consent."""
    invitation = services.invitation_by_token(token)
    if invitation is None:
        return render(request, "couples/join_invalid.html", status=404)
    inviter = services.inviter_of(invitation.couple)
    context: dict[str, Any] = {
        "invitation": invitation,
        "inviter_name": inviter.display_name if inviter else "",
        "here": reverse("couples:join", args=[token]),
    }
    if not request.user.is_authenticated:
        if request.method == "POST":
            return redirect(f"{reverse('account_login')}?next={context['here']}")
        return render(request, "couples/join.html", context)
    form = AcceptForm(request.POST if request.method == "POST" else None)
    context["form"] = form
    if inviter is not None and inviter.user_id == request.user.pk:
        context["own_invitation"] = True
        return render(request, "couples/join.html", context, status=409)
    if request.method == "POST" and form.is_valid():
        try:
            couple = services.invitation_accept(
                token=token,
                user=viewer(request),
                consent=form.cleaned_data["consent"],
            )
        except CoupleRefused as refusal:
            if refusal.status == 404:
                return render(request, "couples/join_invalid.html", status=404)
            if refusal.field:
                form.add_error(
                    refusal.field if refusal.field in form.fields else None, refusal.reason
                )
            else:
                form.add_error(None, refusal.reason)
            return render(request, "couples/join.html", context, status=refusal.status)
        messages.success(request, "You have joined the couple check. You can answer now.")
        return redirect(couple)
    return render(request, "couples/join.html", context, status=400 if form.is_bound else 200)


# --- The couple's page ---------------------------------------------------------------------


@login_required
@require_POST
def again(request: HttpRequest, public_id: UUID) -> HttpResponse:
    member, _partner_member = active_parts(request, public_id)
    try:
        services.round_again(couple=member.couple, user=viewer(request))
    except CoupleRefused as refusal:
        messages.error(request, refusal.reason)
    return redirect(member.couple)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def leave(request: HttpRequest, public_id: UUID) -> HttpResponse:
    member = get_member_for_user(request, public_id)
    if request.method == "GET":
        return render(request, "couples/leave.html", base_context(member, partner_of(member)))
    services.couple_leave(couple=member.couple, user=viewer(request))
    messages.success(
        request, "You have left the couple check. Your own answers and results are still yours."
    )
    return redirect("couples:home")


# --- Answering apart ------------------------------------------------------------------------
