"""The therapist's own booking rules: hours, date exceptions, session types."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from tandem.booking.forms import DateExceptionForm, RulesForm, SessionTypeForm, WeeklyHoursForm
from tandem.booking.models import DateException, SessionType, WeeklyHours
from tandem.booking.soonest import refresh_next_free
from tandem.booking.views.common import get_practice
from tandem.directory.models import TherapistProfile


def _rules_changed(profile: TherapistProfile) -> None:
    refresh_next_free([profile.pk])


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def practice(request: HttpRequest) -> HttpResponse:
    profile, rules = get_practice(request)
    form = RulesForm(request.POST or None, instance=rules)
    if request.method == "POST" and form.is_valid():
        form.save()
        _rules_changed(profile)
        messages.success(request, "Your booking rules are saved.")
        return redirect("booking:practice")
    context = {
        "profile": profile,
        "form": form,
        "feed_url": request.build_absolute_uri(
            reverse("booking:feed", args=[rules.calendar_feed_token])
        ),
    }
    return render(request, "booking/practice.html", context, status=400 if form.errors else 200)


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def practice_hours(request: HttpRequest) -> HttpResponse:
    profile, _rules = get_practice(request)
    form = WeeklyHoursForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        hours = form.save(commit=False)
        hours.therapist = profile
        hours.save()
        _rules_changed(profile)
        messages.success(request, f"Added {hours}.")
        return redirect("booking:practice_hours")
    context = {"form": form, "hours": WeeklyHours.objects.filter(therapist=profile)}
    return render(
        request, "booking/practice_hours.html", context, status=400 if form.errors else 200
    )


@never_cache
@login_required
@require_POST
def practice_hours_delete(request: HttpRequest, pk: int) -> HttpResponse:
    profile, _rules = get_practice(request)
    get_object_or_404(WeeklyHours, pk=pk, therapist=profile).delete()
    _rules_changed(profile)
    messages.success(request, "Removed.")
    return redirect("booking:practice_hours")


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def practice_exceptions(request: HttpRequest) -> HttpResponse:
    profile, rules = get_practice(request)
    form = DateExceptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        exception = form.save(commit=False)
        exception.therapist = profile
        exception.save()
        _rules_changed(profile)
        messages.success(request, f"Added {exception}.")
        return redirect("booking:practice_exceptions")
    today = timezone.now().astimezone(rules.zone).date()
    context = {
        "form": form,
        "exceptions": DateException.objects.filter(therapist=profile, date__gte=today),
    }
    return render(
        request, "booking/practice_exceptions.html", context, status=400 if form.errors else 200
    )


@never_cache
@login_required
@require_POST
def practice_exception_delete(request: HttpRequest, pk: int) -> HttpResponse:
    profile, _rules = get_practice(request)
    get_object_or_404(DateException, pk=pk, therapist=profile).delete()
    _rules_changed(profile)
    messages.success(request, "Removed.")
    return redirect("booking:practice_exceptions")


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def practice_sessions(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    profile, _rules = get_practice(request)
    instance = get_object_or_404(SessionType, pk=pk, therapist=profile) if pk else None
    form = SessionTypeForm(request.POST or None, instance=instance, therapist=profile)
    if request.method == "POST" and form.is_valid():
        session = form.save()
        _rules_changed(profile)
        messages.success(request, f"Saved {session.name}.")
        return redirect("booking:practice_sessions")
    context = {
        "form": form,
        "editing": instance,
        "sessions": SessionType.objects.filter(therapist=profile),
    }
    return render(
        request, "booking/practice_sessions.html", context, status=400 if form.errors else 200
    )
