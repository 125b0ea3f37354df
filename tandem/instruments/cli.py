"""The command line: ``python -m tandem.instruments COMMAND``.

Commands:
    list                              the instruments in the library
    show SLUG [--json|--fhir]         a whole definition, each item with its scale and keying
    validate [FILE...]                check definition files (default: the whole library)
    schema [--write]                  the JSON Schema of definition files
    take SLUG                         answer an instrument in the terminal, then see the result
    score SLUG FILE [--out FILE] [--format csv|json-lines] [--fhir-out DIR]
                                      score one respondent per row (.csv, .csv.gz, Parquet)
    stats SLUG FILE                   reliability and item statistics of many responses

Exit status: 0 when all is well, 1 for bad data (an invalid definition, a bad row), 2 for bad
usage (unknown command or instrument, a missing file).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from tandem.instruments.catalogue import DEFAULT_FOLDER, STRATEGIES_FILE, Library
from tandem.instruments.definition import Item
from tandem.instruments.errors import DefinitionError, UnknownInstrument
from tandem.instruments.fhir import bundle_entries, collection, questionnaire
from tandem.instruments.format import SCHEMA_FILE, schema_text
from tandem.instruments.instrument import Instrument
from tandem.instruments.psychometrics import ReliabilityAccumulator
from tandem.instruments.results import BatchResult, Result
from tandem.instruments.scoring import score_matrix
from tandem.instruments.tables import (
    AnswerChunk,
    AnswerTable,
    ResultWriter,
    TableError,
    result_columns,
)
from tandem.instruments.validation import load_instrument, load_strategies

__all__ = ["EXIT_BAD_DATA", "EXIT_BAD_USAGE", "EXIT_OK", "main"]

EXIT_OK = 0
EXIT_BAD_DATA = 1
EXIT_BAD_USAGE = 2


class _UsageError(Exception):
    """Bad usage: exit status 2."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tandem.instruments",
        description="Tandem's instruments: list, show, validate, take, score and analyse them.",
    )
    parser.add_argument(
        "--library",
        type=Path,
        default=DEFAULT_FOLDER,
        help="the folder of definition files (default: the instruments Tandem ships)",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("list", help="list the instruments")
    show = commands.add_parser("show", help="show a whole definition")
    show.add_argument("slug")
    show.add_argument("--version", type=int, default=None)
    show.add_argument("--json", action="store_true", help="print the definition as JSON")
    show.add_argument(
        "--fhir", action="store_true", help="print it as a FHIR R4 Questionnaire (JSON)"
    )
    validate = commands.add_parser("validate", help="check definition files")
    validate.add_argument("files", nargs="*", type=Path, metavar="FILE")
    schema = commands.add_parser("schema", help="print the JSON Schema of definition files")
    schema.add_argument(
        "--write", action="store_true", help=f"write it to {SCHEMA_FILE.name} in the package"
    )
    take = commands.add_parser("take", help="answer an instrument in the terminal")
    take.add_argument("slug")
    score = commands.add_parser(
        "score", help="score a file of answers (.csv, .csv.gz, .parquet), one respondent per row"
    )
    score.add_argument("slug")
    score.add_argument("file", type=Path, metavar="FILE")
    score.add_argument(
        "--out", type=Path, default=None, help="write here ('-' or nothing: standard output)"
    )
    score.add_argument(
        "--format",
        choices=("csv", "json-lines"),
        default="csv",
        help="csv (default) or json-lines: one JSON object per respondent",
    )
    score.add_argument(
        "--fhir-out",
        type=Path,
        default=None,
        metavar="DIR",
        help="also write, per respondent, a FHIR R4 Bundle: QuestionnaireResponse + Observations",
    )
    stats = commands.add_parser("stats", help="reliability and item statistics of a file")
    stats.add_argument("slug")
    stats.add_argument("file", type=Path, metavar="FILE")
    return parser


def _get(library: Library, slug: str, version: int | None = None) -> Instrument:
    try:
        return library.get(slug, version)
    except UnknownInstrument as error:
        raise _UsageError(str(error)) from error


def _command_list(library: Library, out: TextIO) -> int:
    for instrument in library.all():
        companions = f"  (asked with: {', '.join(instrument.companions)})"
        print(
            f"{instrument.slug:<22} v{instrument.version}  {instrument.title}  "
            f"[{instrument.audience}, {len(instrument.items)} items, "
            f"about {instrument.estimated_minutes} min]"
            + (companions if instrument.companions else ""),
            file=out,
        )
    return EXIT_OK


def _keying(item: Item) -> str:
    return "reversed" if item.reverse else "forward"


def _command_show(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    instrument = _get(library, args.slug, args.version)
    if args.fhir:
        json.dump(questionnaire(instrument), out, indent=2, ensure_ascii=False)
        print(file=out)
        return EXIT_OK
    if args.json:
        json.dump(instrument.describe(), out, indent=2, ensure_ascii=False)
        print(file=out)
        return EXIT_OK
    print(f"{instrument.title} ({instrument.slug} v{instrument.version})", file=out)
    minutes = instrument.estimated_minutes
    print(
        f"For: {instrument.audience}; about {minutes} minute{'s' if minutes != 1 else ''}",
        file=out,
    )
    if instrument.companions:
        print(f"Asked together with: {', '.join(instrument.companions)}", file=out)
    print(f"\n{instrument.description}\n", file=out)
    print("Response scales:", file=out)
    for response in instrument.response_scales.values():
        print(f"  {response.key}: {response.describe_values()}", file=out)
    for section in instrument.sections:
        print(f"\n[{section.id}] {section.title}", file=out)
        for item in section.items:
            print(
                f"  {item.id:<6} {item.response.key} {item.response.minimum} to "
                f"{item.response.maximum}, {_keying(item)}: {item.text}",
                file=out,
            )
    if instrument.scales:
        print("\nScales:", file=out)
        for scale in instrument.scales.values():
            reliability = instrument.reliability.get(scale.key)
            figure = ""
            if reliability:
                figure = f", alpha {reliability.alpha:.2f}"
                figure += " (provisional)" if reliability.provisional else ""
            print(
                f"  {scale.key}: {scale.title} ({scale.method} of "
                f"{', '.join(item.id for item in scale.items)}; "
                f"needs {scale.required} of {len(scale.items)} answered{figure})",
                file=out,
            )
            for band in scale.bands:
                print(f"      {band.lower:g}-{band.upper:g} {band.label}", file=out)
    if instrument.indices:
        print("\nIndices:", file=out)
        for index in instrument.indices.values():
            parts = ", ".join(
                f"{'100 - ' if c.reverse else ''}{c.key} x{c.weight:g}" for c in index.components
            )
            print(f"  {index.key}: {index.title} ({parts})", file=out)
    if instrument.style:
        print("\nStyles:", file=out)
        for style in instrument.style.styles:
            parts = ", ".join(
                f"{'100 - ' if c.reverse else ''}{c.key} x{c.weight:g}" for c in style.components
            )
            print(f"  {style.key}: {parts}", file=out)
    if instrument.plan:
        print("\nPlan strategies:", file=out)
        for rule in instrument.plan:
            print(f"  {rule.strategy} ({len(rule.reasons)} reasons)", file=out)
    if instrument.flags:
        print("\nFlags:", file=out)
        for flag in instrument.flags.values():
            print(f"  {flag.key}: {flag.title}", file=out)
    return EXIT_OK


def _command_validate(library: Library, files: Sequence[Path], out: TextIO) -> int:
    if not files:
        try:
            instruments = library.validate()
        except DefinitionError as error:
            print(f"invalid: {error}", file=out)
            return EXIT_BAD_DATA
        for instrument in instruments:
            print(
                f"ok: {instrument.file} ({instrument.slug} v{instrument.version}, "
                f"{len(instrument.items)} items)",
                file=out,
            )
        print(f"ok: {STRATEGIES_FILE} ({len(library.strategies())} strategies)", file=out)
        return EXIT_OK
    for path in files:
        if not path.exists():
            raise _UsageError(f"no such file: {path}")
    strategies = None
    strategies_path = library.folder / STRATEGIES_FILE
    status = EXIT_OK
    for path in files:
        try:
            if path.name == STRATEGIES_FILE:
                print(f"ok: {path.name} ({len(load_strategies(path))} strategies)", file=out)
                continue
            if strategies is None and strategies_path.exists():
                strategies = load_strategies(strategies_path)
            instrument = load_instrument(path, strategies=strategies)
        except DefinitionError as error:
            print(f"invalid: {error}", file=out)
            status = EXIT_BAD_DATA
            continue
        print(
            f"ok: {path.name} ({instrument.slug} v{instrument.version}, "
            f"{len(instrument.items)} items)",
            file=out,
        )
    return status


def _ask(item: Item, number: int, total: int, stdin: TextIO, out: TextIO) -> int | None:
    options = "  ".join(f"{o.value}={o.label}" for o in item.response.options)
    while True:
        print(f"\n({number}/{total}) {item.text}\n  {options}", file=out)
        print("  Your answer (Enter to skip): ", end="", file=out, flush=True)
        line = stdin.readline()
        if not line:
            raise EOFError
        answer = line.strip()
        if not answer:
            return None
        try:
            value = int(answer)
        except ValueError:
            value = None
        if value is not None and value in item.response.values:
            return value
        allowed = ", ".join(str(value) for value in item.response.values)
        print(f"  Please answer with one of {allowed}, or press Enter to skip.", file=out)


def _print_result(result: Result, out: TextIO) -> None:
    for flag in result.flags:
        print(f"\n*** {flag.title} ***\n{flag.message}", file=out)
    print(f"\n{result.instrument.title}: your profile", file=out)
    for scale in result.scales.values():
        if scale.score is None:
            print(f"  {scale.title:<34} not scored ({scale.not_scored_reason})", file=out)
            continue
        band = f"  {scale.band.label}: {scale.band.meaning}" if scale.band else ""
        print(f"  {scale.title:<34} {scale.score:5.1f}{band}", file=out)
    for index in result.indices.values():
        shown = "not scored" if index.score is None else f"{index.score:5.1f}"
        print(f"  {index.title:<34} {shown}", file=out)
    if result.style is not None:
        style = result.style
        if style.primary is None:
            print("\nStyle: not described", file=out)
        else:
            print(f"\nStyle: {style.titles[style.primary]} ({style.pattern})", file=out)
        for reason in style.reasons:
            print(f"  - {reason}", file=out)
    if result.plan:
        print("\nYour plan:", file=out)
        for number, step in enumerate(result.plan, start=1):
            print(f"  {number}. {step.title}", file=out)
            for reason in step.reasons:
                print(f"     - {reason}", file=out)
    if result.leads_to is not None:
        print(f"\nNext: {result.leads_to.because}", file=out)
    print(f"\n{result.notice}", file=out)


def _command_take(library: Library, slug: str, stdin: TextIO, out: TextIO) -> int:
    instrument = _get(library, slug)
    companions = library.companions_of(instrument)
    print(f"{instrument.title}\n{instrument.description}", file=out)
    questions = [
        (section, item)
        for block in (instrument, *companions)
        for section in block.sections
        for item in section.items
    ]
    answers: dict[str, int | None] = {}
    current = None
    try:
        for number, (section, item) in enumerate(questions, start=1):
            if section is not current:
                current = section
                print(f"\n== {section.title} ==", file=out)
                if section.intro:
                    print(section.intro, file=out)
            answers[item.id] = _ask(item, number, len(questions), stdin, out)
    except EOFError:
        print("\n(The answers end here; the rest are left unanswered.)", file=out)
    _print_result(instrument.score(answers, companions=companions), out)
    return EXIT_OK


def _open_table(library: Library, instrument: Instrument, path: Path) -> AnswerTable:
    if str(path) == "-" or not path.is_file():
        raise _UsageError(f"no such file: {path}")
    try:
        return AnswerTable.open(path, instrument, available=library.companions_of(instrument))
    except TableError as error:
        raise _UsageError(str(error)) from error


def _report_problems(problems: Sequence[str], err: TextIO) -> None:
    for problem in problems:
        print(problem, file=err)


@contextmanager
def _target(out_path: Path | None, out: TextIO) -> Iterator[object]:
    """Where results go: a file opened for bytes, or standard output (bytes when it can)."""
    if out_path is not None and str(out_path) != "-":
        with out_path.open("wb") as file:
            yield file
        return
    buffer = getattr(out, "buffer", None)
    if buffer is not None:
        out.flush()
        yield buffer
        buffer.flush()
        return
    yield out


def _command_score(library: Library, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    instrument = _get(library, args.slug)
    table = _open_table(library, instrument, args.file)
    if table.problems:
        _report_problems(table.problems, err)
        return EXIT_BAD_DATA
    if args.fhir_out is not None:
        if args.fhir_out.exists() and not args.fhir_out.is_dir():
            raise _UsageError(f"not a folder: {args.fhir_out}")
        args.fhir_out.mkdir(parents=True, exist_ok=True)
    scored = bad = 0
    try:
        with (
            _target(args.out, out) as target,
            ResultWriter(target, json_lines=args.format == "json-lines") as writer,
        ):
            for chunk in table.chunks():
                _report_problems(chunk.problems, err)
                bad += len(chunk.problems)
                if not len(chunk.rows):
                    continue
                # The reader has checked every value already.
                batch = score_matrix(
                    instrument, chunk.matrix, companions=table.companions, check_values=False
                )
                writer.write(
                    result_columns(
                        batch,
                        chunk.rows,
                        chunk.identifiers,
                        table.id_column,
                        as_text=not writer.json_lines,
                    )
                )
                if args.fhir_out is not None:
                    _write_fhir(args.fhir_out, table, chunk, batch)
                scored += len(batch)
    except TableError as error:
        print(f"error: {error}", file=err)
        return EXIT_BAD_DATA
    print(f"scored {scored} row{'s' if scored != 1 else ''}; {bad} could not be scored", file=err)
    return EXIT_BAD_DATA if bad or not scored else EXIT_OK


def _write_fhir(folder: Path, table: AnswerTable, chunk: AnswerChunk, batch: BatchResult) -> None:
    """One FHIR Bundle per respondent: ROW.json, or ID.json when the file has an id column."""
    item_ids = [item.id for item in table.items]
    identifiers = chunk.identifiers.to_pylist() if chunk.identifiers is not None else None
    for position, row in enumerate(chunk.rows.tolist()):
        respondent = identifiers[position] if identifiers else None
        answers = {
            item_id: int(value)
            for item_id, value in zip(item_ids, chunk.matrix[position].tolist(), strict=True)
            if not math.isnan(value)
        }
        name = _safe_name(respondent) if respondent else f"row-{row}"
        bundle = collection(
            bundle_entries(
                batch.instrument,
                answers,
                batch.result(position),
                key=f"{table.path.name}|{row}",
                companions=table.companions,
                respondent=respondent,
            )
        )
        (folder / f"{name}.json").write_text(
            json.dumps(bundle, indent=1, ensure_ascii=False), encoding="utf-8"
        )


def _safe_name(identifier: str) -> str:
    cleaned = "".join(c if c.isalnum() or c in "-_." else "_" for c in identifier).strip(".")
    return cleaned[:100] or "respondent"


def _figure(value: float | None, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _command_stats(library: Library, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    instrument = _get(library, args.slug)
    table = _open_table(library, instrument, args.file)
    if table.problems:
        _report_problems(table.problems, err)
        return EXIT_BAD_DATA
    accumulator = ReliabilityAccumulator(instrument)
    responses = bad = 0
    own = len(instrument.items)
    try:
        for chunk in table.chunks():
            _report_problems(chunk.problems, err)
            bad += len(chunk.problems)
            accumulator.add(chunk.matrix[:, :own])
            responses += len(chunk.rows)
    except TableError as error:
        print(f"error: {error}", file=err)
        return EXIT_BAD_DATA
    if not responses and bad:
        return EXIT_BAD_DATA
    print(
        f"{instrument.title} ({instrument.slug} v{instrument.version}): {responses} responses",
        file=out,
    )
    for scale in accumulator.report():
        print(
            f"\n{scale.scale}: n={scale.respondents} complete, mean {_figure(scale.mean, 1)}, "
            f"SD {_figure(scale.sd, 1)}, alpha {_figure(scale.alpha)}, "
            f"omega {_figure(scale.omega)}, SEM {_figure(scale.sem, 2)}",
            file=out,
        )
        if scale.problem:
            print(f"  ({scale.problem})", file=out)
            continue
        for position, item_id in enumerate(scale.items):
            item_total = scale.item_total[position] if scale.item_total else None
            dropped = scale.alpha_if_dropped[position] if scale.alpha_if_dropped else None
            print(
                f"  {item_id:<6} item-total r {_figure(item_total)}  "
                f"alpha if dropped {_figure(dropped)}",
                file=out,
            )
    return EXIT_BAD_DATA if bad else EXIT_OK


def main(
    argv: Sequence[str] | None = None,
    *,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Run the command line and return its exit status (0 ok, 1 bad data, 2 bad usage).

    Example::

        >>> main(["validate"])
        ok: couple-balance.yaml (couple-balance v1, 15 items)
        ...
        0
    """
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exit:
        return int(exit.code or 0)
    library = Library(args.library)
    try:
        if args.command == "list":
            return _command_list(library, out)
        if args.command == "show":
            return _command_show(library, args, out)
        if args.command == "validate":
            return _command_validate(library, args.files, out)
        if args.command == "schema":
            if args.write:
                SCHEMA_FILE.write_text(schema_text(), encoding="utf-8")
                print(f"wrote {SCHEMA_FILE}", file=out)
            else:
                out.write(schema_text())
            return EXIT_OK
        if args.command == "take":
            return _command_take(library, args.slug, stdin or sys.stdin, out)
        if args.command == "score":
            return _command_score(library, args, out, err)
        return _command_stats(library, args, out, err)
    except _UsageError as error:
        print(f"error: {error}", file=err)
        return EXIT_BAD_USAGE
    except DefinitionError as error:
        print(f"invalid definition: {error}", file=err)
        return EXIT_BAD_DATA
