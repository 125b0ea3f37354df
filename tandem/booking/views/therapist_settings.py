"""The therapist's own booking rules: hours, date exceptions, session types."""

from __future__ import annotations

from typing import Any

from django import forms
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


def _page(
    request: HttpRequest, template: str, form: forms.BaseForm, **context: Any
) -> HttpResponse:
    """A settings page with its form: 400 when the form was posted with mistakes."""
    context["form"] = form
    return render(request, template, context, status=400 if form.errors else 200)


def _added(
    request: HttpRequest, form: forms.ModelForm[Any], profile: TherapistProfile, done: str
) -> HttpResponse | None:
    """Save a posted, valid hours or exception row as ``profile``'s; the redirect, else None."""
    if request.method != "POST" or not form.is_valid():
        return None
    added = form.save(commit=False)
    added.therapist = profile
    added.save()
    _rules_changed(profile)
    messages.success(request, f"Added {added}.")
    return redirect(done)


def _removed(
    request: HttpRequest, model: type[WeeklyHours | DateException], pk: int, done: str
) -> HttpResponse:
    """Delete one of the signed-in therapist's hours or exceptions (404 for anyone else's)."""
    profile, _rules = get_practice(request)
    get_object_or_404(model, pk=pk, therapist=profile).delete()
    _rules_changed(profile)
    messages.success(request, "Removed.")
    return redirect(done)


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
    feed_url = request.build_absolute_uri(reverse("booking:feed", args=[rules.calendar_feed_token]))
    return _page(request, "booking/practice.html", form, profile=profile, feed_url=feed_url)


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def practice_hours(request: HttpRequest) -> HttpResponse:
    profile, _rules = get_practice(request)
    form = WeeklyHoursForm(request.POST or None)
    done = _added(request, form, profile, "booking:practice_hours")
    if done:
        return done
    hours = WeeklyHours.objects.filter(therapist=profile)
    return _page(request, "booking/practice_hours.html", form, hours=hours)


@never_cache
@login_required
@require_POST
def practice_hours_delete(request: HttpRequest, pk: int) -> HttpResponse:
    return _removed(request, WeeklyHours, pk, "booking:practice_hours")


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def practice_exceptions(request: HttpRequest) -> HttpResponse:
    profile, rules = get_practice(request)
    form = DateExceptionForm(request.POST or None)
    done = _added(request, form, profile, "booking:practice_exceptions")
    if done:
        return done
    today = timezone.now().astimezone(rules.zone).date()
    exceptions = DateException.objects.filter(therapist=profile, date__gte=today)
    return _page(request, "booking/practice_exceptions.html", form, exceptions=exceptions)


@never_cache
@login_required
@require_POST
def practice_exception_delete(request: HttpRequest, pk: int) -> HttpResponse:
    return _removed(request, DateException, pk, "booking:practice_exceptions")


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
    sessions = SessionType.objects.filter(therapist=profile)
    return _page(
        request, "booking/practice_sessions.html", form, editing=instance, sessions=sessions
    )
