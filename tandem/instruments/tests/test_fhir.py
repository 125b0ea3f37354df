"""FHIR R4: Questionnaire, QuestionnaireResponse and Observations, checked against the
``fhir.resources`` R4B models, and a response read back into the same scores."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from tandem.instruments import AnswerError, library
from tandem.instruments.cli import main
from tandem.instruments.fhir import (
    ORDINAL_VALUE,
    REVERSE_KEYED,
    answers_from_response,
    bundle_entries,
    collection,
    questionnaire,
    questionnaire_response,
)
from tandem.instruments.tests.test_cli import write_csv

INVENTORY = library.get("relating-styles")
SAFETY = library.get("safety")


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(list(argv), stdout=out, stderr=err)
    return status, out.getvalue(), err.getvalue()


def answers(value: int = 4, *, safety: int = 0) -> dict[str, int | None]:
    given: dict[str, int | None] = dict.fromkeys(INVENTORY.item_ids, value)
    given["sw2"] = None  # one left unanswered
    given.update(dict.fromkeys(SAFETY.item_ids, safety))
    return given


def bundle_resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [
        entry["resource"] for entry in bundle["entry"] if entry["resource"]["resourceType"] == kind
    ]


def test_the_fhir_models_refuse_what_is_not_fhir() -> None:
    # The validation below means something only if the models refuse a wrong resource.
    with pytest.raises(ValueError):
        Questionnaire.model_validate(
            {"resourceType": "Questionnaire", "status": "active", "item": [{"type": "choice"}]}
        )
    with pytest.raises(ValueError):
        Observation.model_validate(
            {"resourceType": "Observation", "status": "final", "valueQuantity": {"value": 1}}
        )


@pytest.mark.parametrize("instrument", library.all(), ids=lambda instrument: instrument.slug)
def test_every_instrument_is_a_valid_questionnaire(instrument: Any) -> None:
    made = questionnaire(instrument)
    parsed = Questionnaire.model_validate(made)
    assert parsed.url == f"urn:tandem:questionnaire:{instrument.slug}"
    questions = [question for group in parsed.item for question in group.item]
    assert [question.linkId for question in questions] == [
        item.id for section in instrument.sections for item in section.items
    ]


def test_items_carry_their_options_keying_and_scales() -> None:
    made = questionnaire(INVENTORY)
    questions = {q["linkId"]: q for group in made["item"] for q in group["item"]}
    first = questions["sr1"]["answerOption"][0]
    assert first["valueCoding"] == {
        "system": "urn:tandem:relating-styles:response:agreement",
        "code": "1",
        "display": "Strongly disagree",
    }
    assert first["extension"] == [{"url": ORDINAL_VALUE, "valueDecimal": 1}]
    assert questions["sr3"]["extension"] == [{"url": REVERSE_KEYED, "valueBoolean": True}]
    assert "extension" not in questions["sr1"]
    assert questions["sr1"]["code"][0]["code"] == "self_reliance"


def test_a_result_bundle_is_valid_and_its_observations_reference_the_response() -> None:
    given = answers(safety=1)
    result = INVENTORY.score(given, companions=[SAFETY])
    bundle = collection(
        bundle_entries(
            INVENTORY,
            given,
            result,
            key="r1",
            companions=[SAFETY],
            respondent="p-1",
            authored="2026-12-01T10:00:00+00:00",
        )
    )
    Bundle.model_validate(bundle)
    responses = bundle_resources(bundle, "QuestionnaireResponse")
    assert [r["questionnaire"] for r in responses] == [
        "urn:tandem:questionnaire:relating-styles|1",
        "urn:tandem:questionnaire:safety|1",
    ]
    for response in responses:
        QuestionnaireResponse.model_validate(response)
    references = [entry["fullUrl"] for entry in bundle["entry"][:2]]
    observations = bundle_resources(bundle, "Observation")
    for observation in observations:
        Observation.model_validate(observation)
        assert [ref["reference"] for ref in observation["derivedFrom"]] == references
    by_code = {o["code"]["coding"][0]["code"]: o for o in observations}
    worth = result.scales["self_worth"]
    assert by_code["self_worth"]["valueQuantity"]["value"] == round(worth.score, 2)
    assert by_code["self_worth"]["interpretation"][0]["coding"][0]["code"] == worth.band.key
    assert by_code["safety"]["valueBoolean"] is True
    assert (
        by_code["style-profile"]["valueCodeableConcept"]["coding"][0]["code"]
        == result.style.primary
    )


def test_a_scale_not_scored_says_why_instead_of_a_value() -> None:
    sparse = {"sr1": 3}
    result = INVENTORY.score(sparse)
    bundle = collection(bundle_entries(INVENTORY, sparse, result, key="sparse"))
    Bundle.model_validate(bundle)
    by_code = {o["code"]["coding"][0]["code"]: o for o in bundle_resources(bundle, "Observation")}
    assert "valueQuantity" not in by_code["self_reliance"]
    assert "1 of 4 answered" in by_code["self_reliance"]["dataAbsentReason"]["text"]


def test_a_response_round_trips_into_the_same_scores() -> None:
    given = answers(value=2, safety=1)
    result = INVENTORY.score(given, companions=[SAFETY])
    bundle = collection(bundle_entries(INVENTORY, given, result, key="round", companions=[SAFETY]))
    # Through JSON, as another system would send it back.
    read = json.loads(json.dumps(bundle))
    own, companion = bundle_resources(read, "QuestionnaireResponse")
    back = {**answers_from_response(INVENTORY, own), **answers_from_response(SAFETY, companion)}
    assert back == {key: value for key, value in given.items() if value is not None}
    again = INVENTORY.score(back, companions=[SAFETY])
    assert again.to_dict() == result.to_dict()


def test_reading_a_response_refuses_another_questionnaire_or_a_foreign_answer() -> None:
    response = questionnaire_response(INVENTORY, {"sr1": 4}, resource_id="x")
    with pytest.raises(AnswerError, match=re.escape("not 'urn:tandem:questionnaire:safety|1'")):
        answers_from_response(SAFETY, response)
    response["item"][0]["item"][0]["answer"][0]["valueCoding"]["code"] = "9"
    with pytest.raises(AnswerError, match="9 is not an allowed value"):
        answers_from_response(INVENTORY, response)


def test_show_fhir_prints_the_questionnaire() -> None:
    status, out, _ = run("show", "safety", "--fhir")
    assert status == 0
    assert Questionnaire.model_validate(json.loads(out)).id == "safety-v1"


def test_score_fhir_out_writes_a_bundle_per_respondent(tmp_path: Path) -> None:
    ids = list(INVENTORY.item_ids)
    source = write_csv(
        tmp_path / "answers.csv",
        ["id", *ids, "sf1"],
        [["p/1", *[3] * len(ids), 0], ["p2", *[5] * len(ids), 1], ["p3", *[9] * len(ids), 0]],
    )
    folder = tmp_path / "fhir"
    status, _, err = run("score", "relating-styles", str(source), "--fhir-out", str(folder))
    assert status == 1  # p3 is a bad row, reported and left out
    assert "row 3 (line 4)" in err
    assert sorted(path.name for path in folder.iterdir()) == ["p2.json", "p_1.json"]
    bundle = json.loads((folder / "p2.json").read_text(encoding="utf-8"))
    Bundle.model_validate(bundle)
    response = bundle_resources(bundle, "QuestionnaireResponse")[0]
    assert response["identifier"] == {"system": "urn:tandem:respondent", "value": "p2"}
    assert answers_from_response(INVENTORY, response) == dict.fromkeys(ids, 5)
    codes = {o["code"]["coding"][0]["code"] for o in bundle_resources(bundle, "Observation")}
    assert "safety" in codes


def test_score_fhir_out_into_a_file_is_bad_usage(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "answers.csv", ["sf1"], [[0]])
    blocker = tmp_path / "taken"
    blocker.write_text("", encoding="utf-8")
    status, _, err = run("score", "safety", str(source), "--fhir-out", str(blocker))
    assert status == 2
    assert "not a folder" in err
