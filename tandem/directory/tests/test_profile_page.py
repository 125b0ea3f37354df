from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.urls import include, path

from tandem.conftest import client_for
from tandem.directory.models import ProfileStatus
from tandem.directory.tests.helpers import make_profile

pytestmark = pytest.mark.django_db


def test_a_verified_profile_is_public_at_a_readable_address(anonymous):
    profile = make_profile(
        name="Ada Lovelock", fee_individual_minor=6550, sliding_scale_min_minor=3000
    )
    assert profile.get_absolute_url() == "/therapists/ada-lovelock/"
    body = anonymous.get("/therapists/ada-lovelock/").content.decode()
    assert "Ada Lovelock" in body
    assert "Individual session: £65.50" in body
    assert "Sliding scale from £30" in body
    assert "Registered with BACP, number 123456" in body
    assert "Codependency" in body


@pytest.mark.parametrize(
    "status",
    [
        ProfileStatus.DRAFT,
        ProfileStatus.SUBMITTED,
        ProfileStatus.CHANGES_REQUESTED,
        ProfileStatus.REJECTED,
    ],
)
def test_an_unverified_profile_does_not_exist_for_the_public(anonymous, status):
    make_profile(name="Not Yet", status=status)
    assert anonymous.get("/therapists/not-yet/").status_code == 404


def test_a_deactivated_account_s_profile_is_gone(anonymous):
    profile = make_profile(name="Left Us")
    profile.user.is_active = False
    profile.user.save()
    assert anonymous.get("/therapists/left-us/").status_code == 404


def test_even_the_owner_sees_an_unverified_profile_only_in_preview(therapist_user):
    make_profile(therapist_user, name="Theo Therapist", status=ProfileStatus.DRAFT)
    http = client_for(therapist_user)
    assert http.get("/therapists/theo-therapist/").status_code == 404
    preview = http.get("/therapists/me/preview/")
    assert preview.status_code == 200 and "Nobody else can see it yet" in preview.content.decode()


def test_the_statement_is_sanitised(anonymous):
    make_profile(
        name="Evil Markup",
        statement=(
            "Hello <script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>"
        ),
    )
    body = anonymous.get("/therapists/evil-markup/").content.decode()
    assert "&lt;script&gt;alert(1)" in body  # shown as text, never run
    assert "<script>alert" not in body
    assert 'href="javascript' not in body and "<img src=x" not in body


def test_it_refuses_other_methods(anonymous):
    make_profile(name="Ada Lovelock")
    assert anonymous.post("/therapists/ada-lovelock/").status_code == 405


def _urlconf(*extra):
    """The site's URLs without the booking app's, plus ``extra``."""
    import tandem.urls

    kept = [
        pattern
        for pattern in tandem.urls.urlpatterns
        if getattr(pattern, "namespace", None) != "booking"
    ]
    return type("Urls", (), {"urlpatterns": [*extra, *kept]})


def test_the_book_button_appears_once_booking_exists(anonymous, settings):
    make_profile(name="Ada Lovelock")
    settings.ROOT_URLCONF = _urlconf()
    assert "Book a session" not in anonymous.get("/therapists/ada-lovelock/").content.decode()
    booking_urls = (
        [path("book/<slug:slug>/", lambda request, slug: HttpResponse(slug), name="book")],
        "booking",
    )
    settings.ROOT_URLCONF = _urlconf(path("fake-booking/", include(booking_urls)))
    body = anonymous.get("/therapists/ada-lovelock/").content.decode()
    assert 'href="/fake-booking/book/ada-lovelock/"' in body
