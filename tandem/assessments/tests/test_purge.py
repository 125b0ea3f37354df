from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client

from tandem.assessments import tasks
from tandem.assessments.models import Response
from tandem.assessments.tests.helpers import complete_check
from tandem.conftest import client_for

START = datetime(2026, 5, 1, 12, tzinfo=UTC)


@pytest.mark.django_db
def test_unclaimed_anonymous_results_are_deleted_after_seven_days(client_user):
    with time_machine.travel(START, tick=False):
        complete_check(Client())
        complete_check(client_for(client_user))
    with time_machine.travel(START + timedelta(days=6, hours=23), tick=False):
        call_command("purge_anonymous_responses", stdout=io.StringIO())
        assert Response.objects.count() == 2
    with time_machine.travel(START + timedelta(days=7, minutes=1), tick=False):
        out = io.StringIO()
        call_command("purge_anonymous_responses", stdout=out)
        assert "Deleted 1 anonymous response(s)" in out.getvalue()
    assert list(Response.objects.values_list("owner", flat=True)) == [client_user.pk]


@pytest.mark.django_db
def test_the_purge_also_runs_as_a_task():
    with time_machine.travel(START, tick=False):
        complete_check(Client())
    with time_machine.travel(START + timedelta(days=8), tick=False):
        result = tasks.purge_anonymous_responses.enqueue()
    assert result.return_value == 1
    assert not Response.objects.exists()
