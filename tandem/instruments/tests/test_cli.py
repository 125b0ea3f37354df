"""The command line, through its exit codes and output."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tandem.instruments import library
from tandem.instruments.catalogue import DEFAULT_FOLDER
from tandem.instruments.cli import main

ROOT = Path(__file__).resolve().parents[3]


def run(*argv: str, stdin: str = "") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(list(argv), stdin=io.StringIO(stdin), stdout=out, stderr=err)
    return status, out.getvalue(), err.getvalue()


def write_csv(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_it_runs_as_a_module() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "tandem.instruments", "list"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0
    assert "relating-styles" in completed.stdout


def test_list_shows_every_instrument() -> None:
    status, out, _ = run("list")
    assert status == 0
    assert "Relating Styles Inventory" in out
    assert "(asked with: safety)" in out


def test_show_prints_each_item_with_its_scale_and_keying() -> None:
    status, out, _ = run("show", "relating-styles")
    assert status == 0
    assert "sr3    agreement 1 to 5, reversed: Without someone to guide me" in out
    assert "sr1    agreement 1 to 5, forward: " in out


def test_show_json_prints_the_whole_definition() -> None:
    status, out, _ = run("show", "couple-balance", "--json")
    assert status == 0
    definition = json.loads(out)
    assert definition["slug"] == "couple-balance"
    first = definition["items"][0]
    assert first["response"]["options"][0] == {"value": -3, "label": "My partner, much more"}
    assert first["reverse"] is False
    assert definition["comparison"]["balances"][0] == "time"


def test_show_of_an_unknown_instrument_is_bad_usage() -> None:
    status, _, err = run("show", "nope")
    assert status == 2
    assert "error: no instrument 'nope'" in err


def test_an_unknown_command_is_bad_usage(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("frobnicate")[0] == 2


def test_validate_checks_the_whole_library() -> None:
    status, out, _ = run("validate")
    assert status == 0
    assert "ok: relating-styles.yaml (relating-styles v1, 48 items)" in out
    assert "ok: strategies.yaml (8 strategies)" in out


def test_validate_reports_an_invalid_file_as_bad_data(tmp_path: Path) -> None:
    broken = (DEFAULT_FOLDER / "safety.yaml").read_text(encoding="utf-8")
    broken = broken.replace("audience: individual", "audience: everyone")
    path = tmp_path / "safety.yaml"
    path.write_text(broken, encoding="utf-8")
    status, out, _ = run("validate", str(path), str(DEFAULT_FOLDER / "relating-styles.yaml"))
    assert status == 1
    assert "invalid: safety.yaml: audience: must be one of individual, couple, clinician" in out
    assert "ok: relating-styles.yaml" in out


def test_validate_of_a_missing_file_is_bad_usage(tmp_path: Path) -> None:
    assert run("validate", str(tmp_path / "nope.yaml"))[0] == 2


def test_an_invalid_library_folder_is_bad_data(tmp_path: Path) -> None:
    shutil.copytree(DEFAULT_FOLDER, tmp_path / "library", ignore=shutil.ignore_patterns("*.py"))
    (tmp_path / "library" / "safety.yaml").write_text("slug: [", encoding="utf-8")
    status, out, _ = run("--library", str(tmp_path / "library"), "validate")
    assert status == 1
    assert "invalid: safety.yaml: line" in out


def test_take_asks_every_question_then_prints_the_profile_and_plan() -> None:
    inventory = library.get("relating-styles")
    # A wrong answer first (it is asked again), then 4 to everything, then "no" to safety.
    answers = ["7", *["4"] * len(inventory.items), *["0"] * 6]
    status, out, _ = run("take", "relating-styles", stdin="\n".join(answers) + "\n")
    assert status == 0
    assert "Please answer with one of 1, 2, 3, 4, 5" in out
    assert "(1/54) I can usually sort out everyday problems on my own." in out
    assert "your profile" in out and "Self-worth" in out
    assert "Style: " in out and "Your plan:" in out
    assert "self-reflection, not a diagnosis" in out


def test_take_puts_safety_first_when_a_safety_question_is_answered_yes() -> None:
    # Skip the screener's twelve items, then say yes to the first safety question.
    stdin = "\n" * 12 + "1\n"
    status, out, _ = run("take", "healthy-relationship", stdin=stdin)
    assert status == 0
    assert out.index("Your safety comes first") < out.index("your profile")
    assert "1. Talk to someone who specialises in safety" in out


def test_score_writes_scales_style_and_flags_per_row(tmp_path: Path) -> None:
    inventory = library.get("relating-styles")
    ids = list(inventory.item_ids)
    rows: list[list[object]] = [
        ["p1", *[3] * len(ids), 0],
        ["p2", *[5] * len(ids), 1],
    ]
    source = write_csv(tmp_path / "answers.csv", ["id", *ids, "sf1"], rows)
    target = tmp_path / "scores.csv"
    status, _, err = run("score", "relating-styles", str(source), "--out", str(target))
    assert status == 0
    assert "scored 2 rows; 0 could not be scored" in err
    with target.open(encoding="utf-8") as file:
        written = list(csv.DictReader(file))
    assert [row["id"] for row in written] == ["p1", "p2"]
    assert written[0]["self_worth"] == "50.0" and written[0]["self_worth_band"] == "middle"
    assert written[0]["flags"] == "" and written[1]["flags"] == "safety"
    assert written[0]["pattern"] in {"clear", "mixed", "switching"}


def test_score_reports_bad_rows_and_scores_the_others(tmp_path: Path) -> None:
    ids = list(library.get("healthy-relationship").item_ids)
    rows: list[list[object]] = [
        [*[4] * 12],
        [*[4] * 11, 9],
        [*[4] * 11, "often"],
        [*[""] * 12],
    ]
    source = write_csv(tmp_path / "answers.csv", ids, rows)
    status, out, err = run("score", "healthy-relationship", str(source))
    assert status == 1
    assert "row 2 (line 3): item 'hr12': 9 is not an allowed value; allowed: 1 (Strongly" in err
    assert "row 3 (line 4): item 'hr12': 'often' is not a whole number" in err
    written = list(csv.DictReader(io.StringIO(out)))
    assert [row["row"] for row in written] == ["1", "4"]
    assert written[1]["health"] == ""  # nothing answered: not scored, never guessed


def test_score_refuses_an_unknown_column(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "answers.csv", ["hr1", "mood"], [[3, 2]])
    status, _, err = run("score", "healthy-relationship", str(source))
    assert status == 1
    assert "unknown column 'mood'" in err


def test_score_of_a_missing_file_is_bad_usage(tmp_path: Path) -> None:
    status, _, err = run("score", "safety", str(tmp_path / "nope.csv"))
    assert status == 2
    assert "no such file" in err


def test_stats_prints_the_psychometrics_report(tmp_path: Path) -> None:
    screener = library.get("healthy-relationship")
    rng = np.random.default_rng(8)
    trait = rng.standard_normal((300, 1))
    level = np.clip(np.round(3 + trait + 0.6 * rng.standard_normal((300, 12))), 1, 5)
    reverse = np.array([item.reverse for item in screener.items])
    matrix = np.where(reverse, 6 - level, level).astype(int)
    source = write_csv(tmp_path / "answers.csv", list(screener.item_ids), matrix.tolist())
    status, out, _ = run("stats", "healthy-relationship", str(source))
    assert status == 0
    assert "300 responses" in out
    assert "health: n=300 complete" in out and "alpha 0.9" in out
    assert "hr2    item-total r 0." in out
