"""Error pages keep the quick-exit control and the crisis lines (DESIGN.md section 5)."""

import pytest
from django.db import OperationalError
from django.test import Client, override_settings
from django.urls import reverse

from tandem.conftest import client_for

pytestmark = pytest.mark.django_db


def _has_the_safety_shell(html: str) -> bool:
    return "data-quick-exit" in html and "116 123" in html and "1-800-799-7233" in html


def test_a_missing_page_keeps_the_quick_exit_and_crisis_lines(anonymous):
    response = anonymous.get("/checks/results/00000000-0000-0000-0000-000000000000/")

    assert response.status_code == 404
    assert _has_the_safety_shell(response.content.decode())
    assert "We cannot find that page" in response.content.decode()


def test_a_refused_page_keeps_the_quick_exit_and_crisis_lines(client_user):
    response = client_for(client_user).get(reverse("journal:moderation"))

    assert response.status_code == 403
    assert _has_the_safety_shell(response.content.decode())


def test_a_refused_form_explains_itself_in_the_site_shell(client_user):
    http = Client(enforce_csrf_checks=True)
    http.force_login(client_user)

    response = http.post(reverse("my_data_delete"), {"password": "x", "confirm": "on"})

    assert response.status_code == 403
    html = response.content.decode()
    assert _has_the_safety_shell(html)
    assert "Please try that again" in html


@override_settings(ROOT_URLCONF="tandem.core.tests.broken_urls")
def test_a_server_error_page_needs_no_database_and_keeps_the_safety_shell(monkeypatch):
    from django.db import connection

    def refuse(*args, **kwargs):
        raise OperationalError("database is down")

    monkeypatch.setattr(connection, "cursor", refuse)
    http = Client(raise_request_exception=False)

    response = http.get("/boom/")

    assert response.status_code == 500
    assert _has_the_safety_shell(response.content.decode())


@override_settings(ROOT_URLCONF="tandem.core.tests.broken_urls")
def test_a_page_while_the_database_is_away_is_a_friendly_503_without_a_traceback():
    http = Client(raise_request_exception=False)

    response = http.get("/database-away/")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    html = response.content.decode()
    assert _has_the_safety_shell(html)
    assert "briefly unavailable" in html
    assert "Traceback" not in html and "OperationalError" not in html
    assert "connection refused" not in html
