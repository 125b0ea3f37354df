from __future__ import annotations

import json

from allauth.account.decorators import reauthentication_required
from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from tandem.accounts import personal_data
from tandem.accounts.forms import DeleteAccountForm
from tandem.accounts.models import AccessLog, User

#: The newest reads shown on "My data"; the export holds every one.
ACCESS_LOG_SHOWN = 100


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # guaranteed by @login_required
    return request.user


@never_cache
@require_safe
@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/my_data.html",
        {
            "sections": personal_data.sections(),
            "delete_form": DeleteAccountForm(user=_user(request)),
            **_access_log(_user(request)),
        },
    )


def _access_log(user: User) -> dict[str, object]:
    reads = AccessLog.objects.filter(subject=user)
    return {"access_log": list(reads[:ACCESS_LOG_SHOWN]), "access_log_count": reads.count()}


@require_safe
@login_required
@reauthentication_required
def export_my_data(request: HttpRequest) -> HttpResponse:
    # Asking for the password again first: the file holds everything, and the browser may be
    # on a shared computer that someone left signed in.
    payload = personal_data.export_user(_user(request))
    response = HttpResponse(
        json.dumps(payload, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    stamp = timezone.now().strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="tandem-my-data-{stamp}.json"'
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@require_http_methods(["POST"])
@login_required
def delete_account(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    # The password check here is as guessable as a login: share allauth's limit for
    # re-entering a password, so someone holding a session cannot try passwords freely.
    if not ratelimit.consume(request, action="reauthenticate", user=user):
        return render(
            request,
            "accounts/my_data.html",
            {
                "sections": personal_data.sections(),
                "delete_form": DeleteAccountForm(user=user),
                "too_many_attempts": True,
                **_access_log(user),
            },
            status=429,
        )
    form = DeleteAccountForm(request.POST, user=user)
    if not form.is_valid():
        return render(
            request,
            "accounts/my_data.html",
            {"sections": personal_data.sections(), "delete_form": form, **_access_log(user)},
            status=400,
        )
    personal_data.erase_user(user)
    logout(request)
    messages.success(request, "Your account and everything in it have been deleted.")
    return redirect("home")
