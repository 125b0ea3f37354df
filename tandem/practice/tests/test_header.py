"""Every role finds its tools in the site header; nobody needs to type a URL."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tandem.conftest import client_for

pytestmark = pytest.mark.django_db


def _header(user: Any) -> str:
    html = client_for(user).get(reverse("home")).content.decode()
    return html.split('<header class="site-header">', 1)[1].split("</header>", 1)[0]


@pytest.mark.parametrize(
    ("fixture", "links", "absent"),
    [
        (
            "therapist_user",
            ["practice:caseload", "booking:agenda", "booking:practice_hours"],
            ["directory:verification_queue", "journal:moderation"],
        ),
        ("verifier_user", ["directory:verification_queue"], ["practice:caseload"]),
        (
            "editor_user",
            ["admin:journal_article_changelist", "journal:moderation"],
            ["practice:caseload", "directory:verification_queue"],
        ),
        ("client_user", ["practice:sharing"], ["practice:caseload", "journal:moderation"]),
    ],
)
def test_each_role_finds_its_tools_in_the_header(
    request: Any, fixture: str, links: list[str], absent: list[str]
) -> None:
    user = request.getfixturevalue(fixture)
    if fixture == "therapist_user":
        request.getfixturevalue("bookable")  # the agenda needs a profile with booking rules
    header = _header(user)
    for name in links:
        url = reverse(name)
        assert f'href="{url}"' in header, name
        assert client_for(user).get(url).status_code == 200, name
    for name in absent:
        assert f'href="{reverse(name)}"' not in header, name
