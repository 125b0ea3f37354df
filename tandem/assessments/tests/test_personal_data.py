from __future__ import annotations

import pytest

from tandem.accounts import personal_data
from tandem.assessments.models import Response
from tandem.assessments.tests.helpers import complete_check
from tandem.conftest import client_for


@pytest.mark.django_db
def test_my_data_exports_every_response_with_answers_and_results(
    client_user, unrelated_client_user
):
    complete_check(client_for(client_user), safety=True)
    complete_check(client_for(unrelated_client_user))
    exported = personal_data.export_user(client_user)["sections"]["assessments"]
    assert len(exported) == 1
    assert exported[0]["instrument"] == {"slug": "relating-styles", "version": 1}
    assert exported[0]["answers"]["sf1"] == 1
    assert exported[0]["result"]["flags"][0]["key"] == "safety"


@pytest.mark.django_db
def test_erasure_deletes_the_persons_responses_only(client_user, unrelated_client_user):
    complete_check(client_for(client_user))
    complete_check(client_for(unrelated_client_user))
    personal_data.erase_user(client_user)
    assert list(Response.objects.values_list("owner", flat=True)) == [unrelated_client_user.pk]
