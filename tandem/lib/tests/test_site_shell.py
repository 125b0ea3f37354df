"""The page shell kept between requests is a visitor's, never a signed-in person's."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    http = Client()
    http.force_login(user)
    return http


CURRENT = re.compile(r'<a href="([^"]+)" aria-current="page">')


def _header(html: str) -> str:
    return html[html.index('<header class="site-header">') : html.index("</header>")]


def test_each_part_of_the_site_is_marked_current_in_a_kept_header(anonymous):
    for _ in range(2):  # the second time from what the first kept
        assert CURRENT.findall(_header(anonymous.get("/checks/").content.decode())) == ["/checks/"]
        assert CURRENT.findall(_header(anonymous.get("/for-therapists/").content.decode())) == [
            "/for-therapists/"
        ]
        assert CURRENT.findall(_header(anonymous.get("/").content.decode())) == []


def test_a_signed_in_persons_header_is_theirs_and_never_reaches_a_visitor(
    anonymous, client_user, therapist_user
):
    anonymous.get("/checks/")  # a visitor's header is kept first
    casey, theo = client_for(client_user), client_for(therapist_user)

    casey_header = _header(casey.get("/checks/").content.decode())
    theo_header = _header(theo.get("/checks/").content.decode())
    visitor_header = _header(anonymous.get("/checks/").content.decode())

    assert "Sign out" in casey_header and "Sharing" in casey_header
    assert "Agenda" in theo_header and "Sharing" not in theo_header
    casey_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', casey_header)
    theo_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', theo_header)
    assert casey_token and theo_token and casey_token.group(1) != theo_token.group(1)
    assert "Sign out" not in visitor_header and "csrfmiddlewaretoken" not in visitor_header
    assert "Sign in" in visitor_header


def test_a_change_of_helplines_changes_the_kept_footer():
    first = Client().get("/").content.decode()
    with override_settings(
        HELPLINES=[{"region": "IE", "name": "Test Line", "phone": "1800 000 000"}]
    ):
        changed = Client().get("/").content.decode()

    assert "116 123" in first and "Test Line" not in first
    assert "Test Line" in changed and "116 123" not in changed
