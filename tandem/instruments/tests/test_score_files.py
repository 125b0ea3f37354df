"""Scoring and analysing files of answers in chunks: CSV, gzip, Parquet and JSON lines."""

from __future__ import annotations

import csv
import gzip
import io
import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tandem.instruments import library, reliability_report, tables
from tandem.instruments.cli import main
from tandem.instruments.tables import AnswerTable
from tandem.instruments.tests.test_cli import write_csv

SCREENER = library.get("healthy-relationship")
IDS = list(SCREENER.item_ids)


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(list(argv), stdout=out, stderr=err)
    return status, out.getvalue(), err.getvalue()


def answers(count: int, seed: int = 3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    trait = rng.standard_normal((count, 1))
    return np.clip(np.round(3 + trait + 0.7 * rng.standard_normal((count, len(IDS)))), 1, 5)


def respondents(count: int) -> list[list[object]]:
    return [[f"r{row:05d}", *map(int, values)] for row, values in enumerate(answers(count), 1)]


def expected_scores(matrix: np.ndarray) -> list[str]:
    scores = SCREENER.score_many(matrix).scores[:, 0]
    return ["" if np.isnan(score) else str(round(float(score), 2)) for score in scores]


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunks of a few kilobytes (about a hundred rows), so small files span many."""
    monkeypatch.setattr(tables, "BLOCK_BYTES", 4096)
    monkeypatch.setattr(tables, "PARQUET_ROWS", 100)


def first_chunk_rows(path: Path) -> list[int]:
    table = AnswerTable.open(path, SCREENER)
    return next(iter(table.chunks())).rows.tolist()


def test_a_file_of_many_chunks_scores_every_row_as_one_matrix_would(
    tmp_path: Path, small_chunks: None
) -> None:
    rows = respondents(1000)
    source = write_csv(tmp_path / "answers.csv", ["id", *IDS], rows)
    assert len(list(AnswerTable.open(source, SCREENER).chunks())) > 5
    status, out, err = run("score", "healthy-relationship", str(source))
    assert status == 0, err
    written = list(csv.DictReader(io.StringIO(out)))
    assert [row["row"] for row in written] == [str(n) for n in range(1, 1001)]
    assert [row["id"] for row in written] == [row[0] for row in rows]
    matrix = np.array([row[1:] for row in rows], dtype=float)
    assert [row["health"] for row in written] == expected_scores(matrix)
    assert "scored 1000 rows; 0 could not be scored" in err


@pytest.mark.parametrize("where", ["last of the first chunk", "first of the second chunk"])
def test_a_bad_row_at_the_edge_of_a_chunk_is_reported_and_its_neighbours_scored(
    tmp_path: Path, small_chunks: None, where: str
) -> None:
    rows = respondents(400)
    clean = write_csv(tmp_path / "clean.csv", ["id", *IDS], rows)
    edge = first_chunk_rows(clean)[-1]
    bad = edge if where.startswith("last") else edge + 1
    rows[bad - 1][5] = 9  # hr5
    source = write_csv(tmp_path / "answers.csv", ["id", *IDS], rows)
    status, out, err = run("score", "healthy-relationship", str(source))
    assert status == 1
    assert f"row {bad} (line {bad + 1}): item 'hr5': 9 is not an allowed value; allowed: 1" in err
    written = [int(row["row"]) for row in csv.DictReader(io.StringIO(out))]
    assert written == [n for n in range(1, 401) if n != bad]
    assert "scored 399 rows; 1 could not be scored" in err


def test_a_cell_that_is_not_a_number_in_a_later_chunk_is_reported_once(
    tmp_path: Path, small_chunks: None
) -> None:
    rows = respondents(400)
    rows[250][3] = "often"
    rows[300][1] = " 4 "  # spaces around a number are fine
    source = write_csv(tmp_path / "answers.csv", ["id", *IDS], rows)
    status, out, err = run("score", "healthy-relationship", str(source))
    assert status == 1
    assert err.count("could not be scored") == 1
    assert err.count("row 251 (line 252): item 'hr3': 'often' is not a whole number") == 1
    written = [int(row["row"]) for row in csv.DictReader(io.StringIO(out))]
    assert written == [n for n in range(1, 401) if n != 251]


def test_a_file_of_exactly_one_chunk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = respondents(50)
    source = write_csv(tmp_path / "answers.csv", ["id", *IDS], rows)
    monkeypatch.setattr(tables, "BLOCK_BYTES", source.stat().st_size)
    chunks = list(AnswerTable.open(source, SCREENER).chunks())
    assert [chunk.rows.tolist() for chunk in chunks] == [list(range(1, 51))]
    status, out, _ = run("score", "healthy-relationship", str(source))
    assert status == 0
    assert len(list(csv.DictReader(io.StringIO(out)))) == 50


def test_rows_with_too_many_or_too_few_cells_are_reported(
    tmp_path: Path, small_chunks: None
) -> None:
    source = tmp_path / "answers.csv"
    lines = ["id," + ",".join(IDS)]
    lines += [f"r{n}," + ",".join(["3"] * 12) for n in range(1, 301)]
    lines[120] += ",7"  # row 120
    lines[250] = "r250,3,3"  # row 250
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    status, out, err = run("score", "healthy-relationship", str(source))
    assert status == 1
    assert "row 120 (line 121): not as many cells as columns in the header" in err
    assert "row 250 (line 251): not as many cells as columns in the header" in err
    written = [int(row["row"]) for row in csv.DictReader(io.StringIO(out))]
    assert written == [n for n in range(1, 301) if n not in (120, 250)]


def test_columns_in_any_order_with_empty_cells_as_unanswered(tmp_path: Path) -> None:
    header = ["hr12", "respondent", *IDS[:11][::-1]]
    source = write_csv(
        tmp_path / "answers.csv",
        header,
        [[5, "a,b", *[5] * 11], ["", 'say "hi"', *[""] * 11], [1, "c", *[1] * 11]],
    )
    status, out, _ = run("score", "healthy-relationship", str(source), "--out", "-")
    assert status == 0
    written = list(csv.DictReader(io.StringIO(out)))
    assert [row["respondent"] for row in written] == ["a,b", 'say "hi"', "c"]
    matrix = np.array([[5] * 12, [np.nan] * 12, [1] * 12], dtype=float)
    assert [row["health"] for row in written] == expected_scores(matrix)
    assert written[1]["health"] == ""  # nothing answered: not scored, never guessed


def test_gzip_input(tmp_path: Path, small_chunks: None) -> None:
    rows = respondents(300)
    plain = write_csv(tmp_path / "answers.csv", ["id", *IDS], rows)
    packed = tmp_path / "answers.csv.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    assert run("score", "healthy-relationship", str(packed)) == run(
        "score", "healthy-relationship", str(plain)
    )


def test_parquet_input(tmp_path: Path, small_chunks: None) -> None:
    matrix = answers(300)
    columns: dict[str, pa.Array] = {"id": pa.array([f"r{n}" for n in range(300)])}
    for position, item_id in enumerate(IDS):
        values = matrix[:, position]
        missing = np.arange(300) % 17 == position  # some unanswered cells
        columns[item_id] = pa.array(values.astype(np.int64), mask=missing)
        matrix[missing, position] = np.nan
    source = tmp_path / "answers.parquet"
    pq.write_table(pa.table(columns), source)
    status, out, _ = run("score", "healthy-relationship", str(source))
    assert status == 0
    written = list(csv.DictReader(io.StringIO(out)))
    assert [row["health"] for row in written] == expected_scores(matrix)


def test_a_parquet_value_that_is_not_allowed_is_reported_by_row(tmp_path: Path) -> None:
    values = np.full((3, 12), 3.0)
    values[1, 4] = 2.5
    values[2, 0] = 7
    table = pa.table({item_id: values[:, n] for n, item_id in enumerate(IDS)})
    source = tmp_path / "answers.parquet"
    pq.write_table(table, source)
    status, out, err = run("score", "healthy-relationship", str(source))
    assert status == 1
    assert "row 2: item 'hr5': 2.5 is not a whole number" in err
    assert "row 3: item 'hr1': 7 is not an allowed value" in err
    assert [row["row"] for row in csv.DictReader(io.StringIO(out))] == ["1"]


def test_json_lines_output(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "answers.csv", ["id", *IDS], [["p1", *[4] * 12]])
    status, out, _ = run("score", "healthy-relationship", str(source), "--format", "json-lines")
    assert status == 0
    (record,) = [json.loads(line) for line in out.splitlines()]
    assert record["row"] == 1 and record["id"] == "p1"
    assert record["health"] == float(expected_scores(np.full((1, 12), 4.0))[0])
    assert record["health_band"] in {band.key for band in SCREENER.scales["health"].bands}


def test_stats_over_many_chunks_equals_the_report_over_the_whole_matrix(
    tmp_path: Path, small_chunks: None
) -> None:
    matrix = answers(900, seed=11)
    source = write_csv(tmp_path / "answers.csv", IDS, matrix.astype(int).tolist())
    status, out, _ = run("stats", "healthy-relationship", str(source))
    assert status == 0
    scale = reliability_report(SCREENER, matrix)[0]
    assert f"{scale.scale}: n=900 complete, mean {scale.mean:.1f}" in out
    assert f"alpha {scale.alpha:.3f}, omega {scale.omega:.3f}" in out


def test_a_file_that_is_not_a_table_is_bad_data(tmp_path: Path) -> None:
    source = tmp_path / "answers.parquet"
    source.write_bytes(b"not parquet at all")
    status, _, err = run("score", "healthy-relationship", str(source))
    assert status == 2
    assert "not a Parquet file" in err


def test_chunks_come_in_file_order_while_the_next_ones_are_read_ahead(
    tmp_path: Path, small_chunks: None
) -> None:
    path = tmp_path / "many.csv"
    write_csv(path, ["id", *IDS], respondents(2000))
    rows = [row for chunk in AnswerTable.open(path, SCREENER).chunks() for row in chunk.rows]
    assert rows == list(range(1, 2001))


def test_stopping_early_stops_the_reader_and_closes_the_file(
    tmp_path: Path, small_chunks: None
) -> None:
    import threading

    path = tmp_path / "many.csv"
    write_csv(path, ["id", *IDS], respondents(2000))
    chunks = AnswerTable.open(path, SCREENER).chunks()
    next(chunks)
    chunks.close()  # as a caller's error or break would
    assert not [t for t in threading.enumerate() if t.name == "answers-reader"]


def test_an_error_while_reading_ahead_reaches_the_caller(
    tmp_path: Path, small_chunks: None
) -> None:
    path = tmp_path / "broken.csv.gz"
    good = io.StringIO()
    csv.writer(good).writerows([["id", *IDS], *respondents(2000)])
    # A gzip stream cut short: the first chunks read, then the reader fails.
    path.write_bytes(gzip.compress(good.getvalue().encode())[:-4000])
    chunks = AnswerTable.open(path, SCREENER).chunks()
    with pytest.raises(tables.TableError, match="cannot be read"):
        for _chunk in chunks:
            pass
