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


@pytest.mark.django_db
def test_my_data_holds_my_results_as_one_fhir_bundle(client_user, unrelated_client_user):
    from fhir.resources.R4B.bundle import Bundle

    from tandem.instruments import library
    from tandem.instruments.fhir import answers_from_response

    complete_check(client_for(client_user), safety=True)
    complete_check(client_for(unrelated_client_user), value=2)
    exported = personal_data.export_user(client_user)["sections"]
    bundle = exported["assessments_fhir"]
    Bundle.model_validate(bundle)
    resources = [entry["resource"] for entry in bundle["entry"]]
    responses = [r for r in resources if r["resourceType"] == "QuestionnaireResponse"]
    assert [r["questionnaire"] for r in responses] == [
        "urn:tandem:questionnaire:relating-styles|1",
        "urn:tandem:questionnaire:safety|1",
    ]
    mine = exported["assessments"][0]["answers"]
    inventory = library.get("relating-styles")
    read_back = answers_from_response(inventory, responses[0])
    assert read_back == {k: v for k, v in mine.items() if k in inventory.item_ids and v is not None}
    flags = [
        r["code"]["coding"][0]["code"]
        for r in resources
        if r["resourceType"] == "Observation" and "valueBoolean" in r
    ]
    assert flags == ["safety"]


@pytest.mark.django_db
def test_the_fhir_bundle_is_empty_for_someone_with_no_checks(client_user, unrelated_client_user):
    complete_check(client_for(unrelated_client_user))
    bundle = personal_data.export_user(client_user)["sections"]["assessments_fhir"]
    assert bundle == {"resourceType": "Bundle", "type": "collection", "entry": []}
