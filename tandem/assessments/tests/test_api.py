from __future__ import annotations

import json

import pytest

from tandem.assessments.models import Response
from tandem.assessments.tests.helpers import answers_for
from tandem.instruments import library


def post_json(http, url, body):
    return http.post(url, json.dumps(body), content_type="application/json")


@pytest.mark.django_db
def test_the_api_lists_the_instruments(anonymous):
    listed = anonymous.get("/api/v1/instruments")
    assert listed.status_code == 200
    slugs = [entry["slug"] for entry in listed.json()]
    assert {"relating-styles", "healthy-relationship", "couple-balance", "safety"} <= set(slugs)
    first = next(entry for entry in listed.json() if entry["slug"] == "relating-styles")
    assert first["estimated_minutes"] == 10 and first["companions"] == ["safety"]


@pytest.mark.django_db
def test_an_instrument_lists_its_items_with_scale_and_keying(anonymous):
    detail = anonymous.get("/api/v1/instruments/relating-styles").json()
    items = {item["id"]: item for item in detail["items"]}
    assert items["sr3"]["reverse"] is True and items["sr3"]["scales"] == ["self_reliance"]
    assert items["sr1"]["reverse"] is False
    assert [option["value"] for option in items["sr1"]["options"]] == [1, 2, 3, 4, 5]
    assert items["sf1"]["instrument"] == "safety" and items["sf1"]["scales"] == []


@pytest.mark.django_db
def test_scoring_returns_the_engines_result_and_stores_nothing(anonymous):
    answers = answers_for("relating-styles", value=2, safety=True)
    scored = post_json(anonymous, "/api/v1/instruments/relating-styles/score", {"answers": answers})
    assert scored.status_code == 200
    expected = library.score_session("relating-styles", answers).to_dict()
    assert scored.json() == json.loads(json.dumps(expected))
    assert scored.json()["flags"][0]["key"] == "safety"
    assert not Response.objects.exists()


@pytest.mark.django_db
def test_bad_answers_are_a_422_naming_each_bad_item(anonymous):
    body = {"answers": {"sr1": 9, "sr2": "four", "nope": 1, "sf1": 1, "sr3": 2.5, "sr4": True}}
    refused = post_json(anonymous, "/api/v1/instruments/relating-styles/score", body)
    assert refused.status_code == 422
    errors = {error["item"]: error for error in refused.json()["errors"]}
    assert set(errors) == {"sr1", "sr2", "nope", "sr3", "sr4"}
    assert errors["sr1"]["allowed"] == [1, 2, 3, 4, 5]
    assert "not an allowed value" in errors["sr1"]["problem"]
    assert not Response.objects.exists()


@pytest.mark.django_db
def test_an_unknown_instrument_is_a_404_with_a_message(anonymous):
    assert "no instrument" in anonymous.get("/api/v1/instruments/nothing").json()["detail"]
    missing = post_json(anonymous, "/api/v1/instruments/nothing/score", {"answers": {}})
    assert missing.status_code == 404


@pytest.mark.django_db
def test_wrong_methods_and_malformed_bodies_are_refused(anonymous):
    assert anonymous.get("/api/v1/instruments/relating-styles/score").status_code == 405
    assert anonymous.delete("/api/v1/instruments/relating-styles").status_code == 405
    assert post_json(anonymous, "/api/v1/instruments/relating-styles/score", {}).status_code == 422
    not_json = anonymous.post(
        "/api/v1/instruments/relating-styles/score", "{", content_type="application/json"
    )
    assert not_json.status_code in (400, 422)


@pytest.mark.django_db
def test_the_openapi_description_names_the_three_paths(anonymous):
    paths = anonymous.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/instruments" in paths
    assert "/api/v1/instruments/{slug}" in paths
    assert "/api/v1/instruments/{slug}/score" in paths


@pytest.mark.django_db
def test_an_instrument_is_offered_as_a_fhir_questionnaire(anonymous, client_user):
    from fhir.resources.R4B.questionnaire import Questionnaire

    from tandem.conftest import client_for

    for http in (anonymous, client_for(client_user)):
        offered = http.get("/api/v1/instruments/relating-styles/fhir")
        assert offered.status_code == 200
        assert offered["Content-Type"].startswith("application/fhir+json")
        questionnaire = Questionnaire.model_validate(offered.json())
        assert questionnaire.version == "1"
        first = questionnaire.item[0].item[0]
        assert first.linkId == "sr1" and first.answerOption[0].valueCoding.code == "1"


@pytest.mark.django_db
def test_the_fhir_questionnaire_refuses_unknown_instruments_and_other_methods(anonymous):
    missing = anonymous.get("/api/v1/instruments/nope/fhir")
    assert missing.status_code == 404
    assert "no instrument 'nope'" in missing.json()["detail"]
    assert anonymous.post("/api/v1/instruments/safety/fhir").status_code == 405
    assert anonymous.delete("/api/v1/instruments/safety/fhir").status_code == 405
    paths = anonymous.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/instruments/{slug}/fhir" in paths
