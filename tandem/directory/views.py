from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tandem.accounts.models import Role, User
from tandem.directory import hooks, services
from tandem.directory.forms import DecisionForm, MatchForm, ProfileForm, SearchForm
from tandem.directory.gazetteer import towns
from tandem.directory.matching import match_therapists, needs_from_result
from tandem.directory.models import ProfileStatus, TherapistProfile
from tandem.directory.search import available_sorts, search_profiles

VERIFIER_ROLES = frozenset({Role.VERIFIER, Role.ADMINISTRATOR})


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # guaranteed by @login_required
    return request.user


def _get_public_profile(slug: str) -> TherapistProfile:
    # Unverified, rejected and deactivated profiles do not exist for the public: 404.
    # select_related("user"): public() already joins it to check the account is active.
    return get_object_or_404(TherapistProfile.objects.public().select_related("user"), slug=slug)


def _get_own_profile(request: HttpRequest) -> TherapistProfile | None:
    """The signed-in therapist's profile (None before they create it); 403 for other roles."""
    user = _user(request)
    if user.role != Role.THERAPIST:
        raise PermissionDenied("Only therapists have a directory profile.")
    return TherapistProfile.objects.filter(user=user).first()


def _require_verifier(request: HttpRequest) -> User:
    user = _user(request)
    if user.role not in VERIFIER_ROLES:
        raise PermissionDenied("Only verifiers can work the verification queue.")
    return user


def _get_profile_for_verifier(request: HttpRequest, pk: int) -> TherapistProfile:
    _require_verifier(request)
    # select_related("user"): the review page shows the account's email and join date.
    return get_object_or_404(TherapistProfile.objects.select_related("user"), pk=pk)


def _town_names() -> list[str]:
    return [town.label for town in towns()]


# --- Public pages ---------------------------------------------------------------------------


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    results = None
    status = 200
    if form.is_bound and not form.is_valid():
        status = 400
    else:
        if not form.is_bound:
            form = SearchForm({})
            form.is_valid()
        results = search_profiles(form.to_params())
    context = {
        "form": form,
        "results": results,
        "sorts": available_sorts(has_town=bool(results and results.params.town)),
        "town_names": _town_names(),
    }
    # htmx refreshes only the results; the full page is the same URL, so both share links.
    template = (
        "directory/_results.html" if request.headers.get("HX-Request") else "directory/search.html"
    )
    response = render(request, template, context, status=status)
    # The fragment and the whole page share a URL: caches must keep them apart, or Back could
    # show a bare fragment without the quick-exit control.
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_safe
def profile(request: HttpRequest, slug: str) -> HttpResponse:
    therapist = _get_public_profile(slug)
    return render(
        request,
        "directory/profile.html",
        {"profile": therapist, "book_url": hooks.book_url(therapist.slug)},
    )


def _with_safety(result: dict[str, Any] | None) -> dict[str, Any]:
    """``result`` with the safety flag raised (flags that are not a list count as none)."""
    result = dict(result or {})
    flags = result.get("flags")
    result["flags"] = [*(flags if isinstance(flags, list) else []), "safety"]
    return result


@never_cache
@require_http_methods(["GET", "POST"])
def match(request: HttpRequest) -> HttpResponse:
    data: QueryDict = request.POST.copy()
    if request.method != "POST":
        # A check's result is only ever taken from a POST: in a URL it would sit in history,
        # logs and referrers, safety flag and all. Preferences alone may be shared as a link.
        data = request.GET.copy()
        data.pop("result", None)
    # Signed in with saved results: start from the latest unless another (or none) is chosen.
    saved = hooks.saved_results(request.user)
    if saved and not data.get("result") and "use" not in data:
        data["use"] = saved[0].key
    form = MatchForm(data or None, saved=saved)
    matches = None
    needs = None
    kept_safety = False
    status = 200
    if form.is_bound:
        if form.is_valid():
            chosen = form.chosen
            result = chosen.result if chosen else form.cleaned_data.get("result")
            preferences = form.to_preferences()
            if saved and needs_from_result(saved[0].result).safety:
                # The latest answers suggest the person may not feel safe: choosing an older
                # result, or preferences alone, never brings couples work back (DESIGN.md §5).
                kept_safety = not needs_from_result(result).safety
                result = _with_safety(dict(result) if result else None)
            needs = needs_from_result(result, couples=preferences.couples)
            matches = match_therapists(result=result, preferences=preferences)
        else:
            status = 400
    return render(
        request,
        "directory/match.html",
        {
            "form": form,
            "matches": matches,
            "needs": needs,
            "town_names": _town_names(),
            "chosen": form.chosen,
            "kept_safety": kept_safety,
        },
        status=status,
    )


# --- The therapist's own profile ------------------------------------------------------------


@require_safe
@login_required
def my_profile(request: HttpRequest) -> HttpResponse:
    own = _get_own_profile(request)
    if own is None:
        return redirect("directory:edit_profile")
    return render(
        request,
        "directory/my_profile.html",
        {"profile": own, "decision": own.latest_decision},
    )


@require_http_methods(["GET", "POST"])
@login_required
def edit_profile(request: HttpRequest) -> HttpResponse:
    own = _get_own_profile(request)
    instance = own or TherapistProfile(user=_user(request), name=_user(request).name)
    if request.method == "POST":
        form = ProfileForm(request.POST, request.FILES, instance=instance)
        if form.is_valid():
            _profile, sent_back = _save_profile(form, created=own is None)
            if sent_back:
                messages.info(
                    request,
                    "Your profile is saved. You changed your name, registration or "
                    "qualifications, so we check your profile again against the register; "
                    "it is hidden from the directory until we have.",
                )
            else:
                messages.success(request, "Your profile is saved. Preview it, then send it to us.")
            return redirect("directory:my_profile")
        status = 400
    else:
        form = ProfileForm(instance=instance)
        status = 200
    return render(
        request,
        "directory/edit_profile.html",
        {"form": form, "profile": own, "town_names": _town_names()},
        status=status,
    )


def _save_profile(form: ProfileForm, *, created: bool) -> tuple[TherapistProfile, bool]:
    """Save the form; returns the profile and whether it went back to the verifiers."""
    with transaction.atomic():
        profile = form.save(commit=False)
        sent_back = not created and services.send_back_if_checked_facts_changed(
            profile=profile, changed=form.changed_data
        )
        profile.save()
        if form.replaced_photo:
            storage, name = profile.photo.storage, form.replaced_photo
            transaction.on_commit(lambda: storage.delete(name))
    return profile, sent_back


@require_safe
@login_required
def preview_profile(request: HttpRequest) -> HttpResponse:
    own = _get_own_profile(request)
    if own is None:
        return redirect("directory:edit_profile")
    return render(request, "directory/profile.html", {"profile": own, "preview": True})


@require_POST
@login_required
def submit_profile(request: HttpRequest) -> HttpResponse:
    own = _get_own_profile(request)
    if own is None:
        raise Http404("You have no profile yet.")
    try:
        services.submit_profile(profile=own)
    except services.InvalidTransition as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request, "Thank you. Our verifiers will check your registration and get back to you."
        )
    return redirect("directory:my_profile")


# --- Verification -----------------------------------------------------------------------------


@require_safe
@login_required
def verification_queue(request: HttpRequest) -> HttpResponse:
    _require_verifier(request)
    waiting = TherapistProfile.objects.awaiting_verification().select_related("user")
    recent = (
        TherapistProfile.objects.exclude(status__in=[ProfileStatus.SUBMITTED, ProfileStatus.DRAFT])
        .order_by("-updated_at")
        .prefetch_related("decisions__decided_by")[:20]
    )
    return render(
        request, "directory/verification_queue.html", {"waiting": waiting, "recent": recent}
    )


@require_http_methods(["GET", "POST"])
@login_required
def verification_review(request: HttpRequest, pk: int) -> HttpResponse:
    therapist = _get_profile_for_verifier(request, pk)
    status = 200
    form = DecisionForm(request.POST or None)
    if request.method == "POST":
        if therapist.status != ProfileStatus.SUBMITTED:
            messages.error(request, "This profile is not waiting for a decision.")
            return redirect("directory:verification_queue")
        if form.is_valid():
            try:
                services.decide(
                    profile=therapist,
                    verifier=_user(request),
                    decision=form.cleaned_data["decision"],
                    reason=form.cleaned_data["reason"],
                )
            except services.InvalidTransition as refused:
                messages.error(request, str(refused))
            else:
                messages.success(request, f"Decision on {therapist.name} recorded.")
            return redirect("directory:verification_queue")
        status = 400
    context: dict[str, Any] = {
        "profile": therapist,
        "form": form,
        "decisions": therapist.decisions.select_related("decided_by"),
    }
    return render(request, "directory/verification_review.html", context, status=status)
