"""Files of answers, read in chunks of rows: CSV, gzip-compressed CSV and Parquet.

One respondent per row, one column per item id, and optionally an ``id`` or ``respondent``
column that is carried through. Empty cells are unanswered. The file is read a chunk at a
time with Apache Arrow's reader (written in C++), each chunk's item columns are checked and
converted to a NumPy matrix a whole column at a time, and memory does not grow with the number
of rows. (Reading ahead in a thread was tried: a reader thread still inside Arrow when a short
run exits can abort the interpreter, and on two busy cores it saved nothing measurable.)

A bad row (a cell that is not a whole number, a value the item does not allow, more or fewer
cells than the header) is reported by its row and line number, naming the item, the value and
what is allowed; the other rows of the chunk are kept.

Checking values: item columns are first read as small integers, which is as fast as reading
gets. When a chunk holds a cell that is not a small integer, Arrow cannot say which cell, so
the file is read again from that point with the item columns as text, and each column's few
distinct texts are checked (not each cell): a file of good answers never pays for the check.

Example::

    >>> table = AnswerTable.open(Path("answers.csv"), instrument, available=[safety])
    >>> for chunk in table.chunks():
    ...     batch = instrument.score_many(chunk.matrix, companions=table.companions)
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import queue
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from tandem.instruments.definition import InstrumentDefinition, Item
from tandem.instruments.results import BatchResult
from tandem.instruments.rules import PATTERNS

__all__ = [
    "ID_COLUMNS",
    "AnswerChunk",
    "AnswerTable",
    "ResultWriter",
    "TableError",
    "result_columns",
]

#: Columns that identify a respondent rather than answer an item.
ID_COLUMNS = ("id", "respondent")

#: Bytes of CSV parsed per chunk: about 10,000 rows of a 48-item inventory (a larger block
#: is no faster and holds more memory).
BLOCK_BYTES = 1 << 20

#: Rows per chunk of a Parquet file.
PARQUET_ROWS = 1 << 15

#: Chunks read and checked ahead of the one being scored.
READ_AHEAD = 2

FloatArray = npt.NDArray[np.float64]


class TableError(Exception):
    """The file cannot be read at all (missing, not CSV or Parquet)."""


@dataclass
class AnswerChunk:
    """The good rows of one chunk, and the problems of its bad rows.

    Attributes:
        rows: each good row's number, counted from 1 after the header.
        identifiers: the id column's values for the good rows, or ``None`` without one.
        matrix: good rows x items (the instrument's, then each companion's), NaN where
            unanswered.
        problems: one line per bad row, e.g. ``row 2 (line 3): item 'hr12': 9 is not ...``.
    """

    rows: npt.NDArray[np.int64]
    identifiers: pa.Array | None
    matrix: FloatArray
    problems: list[str] = field(default_factory=list)


def _is_parquet(path: Path) -> bool:
    return path.suffix.lower() in {".parquet", ".pq"}


def _open_text(path: Path) -> io.TextIOBase:
    if path.suffix.lower() == ".gz":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8-sig", newline="")
    return path.open(encoding="utf-8-sig", newline="")


def _read_header(path: Path) -> list[str]:
    if _is_parquet(path):
        try:
            return list(pq.read_schema(path).names)
        except (pa.ArrowInvalid, OSError) as error:
            raise TableError(f"{path.name}: not a Parquet file ({error})") from error
    try:
        with _open_text(path) as file:
            return next(csv.reader(file), [])
    except (OSError, UnicodeDecodeError, EOFError) as error:
        raise TableError(f"{path.name}: cannot be read as UTF-8 CSV ({error})") from error


class _ItemCheck:
    """One item's allowed values, checked a whole column at a time."""

    def __init__(self, item: Item) -> None:
        self.item = item
        self.lo = float(item.response.minimum)
        self.hi = float(item.response.maximum)
        self.allowed = np.array(item.response.values, dtype=float)
        self.contiguous = item.response.is_contiguous

    def bad(self, values: FloatArray) -> npt.NDArray[np.bool_]:
        """Where ``values`` (NaN for unanswered) holds a value the item does not allow."""
        with np.errstate(invalid="ignore"):
            if self.contiguous:
                good = (values >= self.lo) & (values <= self.hi) & (values == np.floor(values))
            else:
                good = np.isin(values, self.allowed)
        return ~(good | np.isnan(values))

    def not_allowed(self, value: float) -> str:
        shown = int(value) if float(value).is_integer() else value
        if not float(value).is_integer():
            return f"item {self.item.id!r}: {shown} is not a whole number"
        return (
            f"item {self.item.id!r}: {shown} is not an allowed value; "
            f"allowed: {self.item.response.describe_values()}"
        )


def _text_column(column: pa.Array, check: _ItemCheck) -> tuple[FloatArray, dict[int, str]]:
    """Convert a column of text: each distinct text is checked once, not each cell.

    Returns the values (NaN where empty or unreadable) and, by position, the problem of each
    cell that is not a whole number.
    """
    encoded = pc.dictionary_encode(column)
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.combine_chunks()
    texts = encoded.dictionary.to_pylist()
    lookup = np.full(len(texts) + 1, np.nan)
    unreadable: list[int] = []
    for code, text in enumerate(texts):
        cleaned = (text or "").strip()
        if not cleaned:
            continue
        try:
            lookup[code] = int(cleaned)
        except ValueError:
            unreadable.append(code)
    codes = encoded.indices.fill_null(len(texts)).to_numpy(zero_copy_only=False)
    values = lookup[codes]
    problems: dict[int, str] = {}
    if unreadable:
        for position in np.flatnonzero(np.isin(codes, unreadable)).tolist():
            problems[position] = (
                f"item {check.item.id!r}: {texts[codes[position]]!r} is not a whole number"
            )
    return values, problems


def _number_column(column: pa.Array) -> FloatArray:
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    if pa.types.is_boolean(column.type):
        column = pc.cast(column, pa.int8())
    return np.asarray(
        pc.cast(column, pa.float64()).fill_null(np.nan).to_numpy(zero_copy_only=False),
        dtype=float,
    )


class AnswerTable:
    """A file of answers to one instrument (and any companions whose items it has).

    Use :meth:`open`, then check :attr:`problems` (a bad header: nothing can be scored) and
    iterate :meth:`chunks`.
    """

    def __init__(
        self,
        path: Path,
        header: list[str],
        blocks: list[InstrumentDefinition],
        id_column: str | None,
        problems: list[str],
    ) -> None:
        self.path = path
        self.header = header
        self.blocks = blocks
        self.id_column = id_column
        self.problems = problems
        self.items = [item for block in blocks for item in block.items]
        self._checks = [_ItemCheck(item) for item in self.items]
        self._lo = np.array([check.lo for check in self._checks])
        self._hi = np.array([check.hi for check in self._checks])
        self._scattered = [
            position for position, check in enumerate(self._checks) if not check.contiguous
        ]
        self._is_parquet = _is_parquet(path)

    @property
    def companions(self) -> list[InstrumentDefinition]:
        """The companions whose items are in the file (their flags are scored too)."""
        return self.blocks[1:]

    @classmethod
    def open(
        cls,
        path: Path,
        instrument: InstrumentDefinition,
        *,
        available: Sequence[InstrumentDefinition] = (),
    ) -> AnswerTable:
        """Read the header of ``path`` and decide which columns are which.

        A companion in ``available`` is scored when the file has at least one of its items.
        Columns that are neither items nor an id are problems (nothing is scored).

        Raises:
            TableError: the file cannot be read.
        """
        header = _read_header(path)
        if not header:
            return cls(path, header, [instrument], None, ["the file is empty"])
        companions = [
            block for block in available if any(item_id in header for item_id in block.item_ids)
        ]
        known = {item.id for block in (instrument, *available) for item in block.items}
        id_column = next((name for name in header if name in ID_COLUMNS), None)
        problems = [
            f"unknown column {name!r}: not an item of {instrument.slug} or its companions"
            for name in header
            if name not in known and name != id_column
        ]
        return cls(path, header, [instrument, *companions], id_column, problems)

    # Reading ------------------------------------------------------------------------------

    def _csv_reader(self, source: pa.NativeFile, *, as_text: bool) -> pa_csv.CSVStreamingReader:
        item_type = pa.string() if as_text else pa.int16()
        types = {name: item_type for name in self.header if name != self.id_column}
        if self.id_column:
            types[self.id_column] = pa.string()

        def refuse(row: pa_csv.InvalidRow) -> str:
            self._refused_lines.append(row.number)
            return "skip"

        return pa_csv.open_csv(
            source,
            # One thread keeps the rows in order and gives refused rows their line numbers.
            read_options=pa_csv.ReadOptions(block_size=BLOCK_BYTES, use_threads=False),
            parse_options=pa_csv.ParseOptions(invalid_row_handler=refuse),
            convert_options=pa_csv.ConvertOptions(
                column_types=types,
                strings_can_be_null=True,
                null_values=[""],
                quoted_strings_can_be_null=True,
            ),
        )

    def _csv_batches(self) -> Iterator[tuple[pa.RecordBatch, npt.NDArray[np.int64]]]:
        """Yield each chunk with its rows' numbers."""
        done = 0  # the last row handed out
        as_text = False
        while True:
            next_row = 1
            compression = "gzip" if self.path.suffix.lower() == ".gz" else None
            # Closed explicitly: a reader left to the garbage collector can still have a read
            # in flight when the interpreter exits, which aborts the process.
            try:
                with pa.input_stream(str(self.path), compression=compression) as source:
                    reader = self._csv_reader(source, as_text=as_text)
                    try:
                        for batch in reader:
                            numbers, next_row = _row_numbers(
                                batch.num_rows, next_row, self._refused_lines
                            )
                            if done:
                                keep = numbers > done
                                batch = batch.filter(pa.array(keep))
                                numbers = numbers[keep]
                            yield batch, numbers
                            done = max(done, next_row - 1)
                    finally:
                        reader.close()
            except pa.ArrowInvalid as error:
                if as_text or "conversion error" not in str(error):
                    raise TableError(f"{self.path.name}: cannot be read ({error})") from error
                # A cell is not a small whole number: read on, from where we are, as text.
                as_text = True
                continue
            except OSError as error:  # e.g. a gzip stream cut short
                raise TableError(f"{self.path.name}: cannot be read ({error})") from error
            return

    def _parquet_batches(self) -> Iterator[tuple[pa.RecordBatch, npt.NDArray[np.int64]]]:
        try:
            parquet = pq.ParquetFile(self.path)
        except (pa.ArrowInvalid, OSError) as error:
            raise TableError(f"{self.path.name}: not a Parquet file ({error})") from error
        next_row = 1
        for batch in parquet.iter_batches(batch_size=PARQUET_ROWS):
            yield batch, np.arange(next_row, next_row + batch.num_rows, dtype=np.int64)
            next_row += batch.num_rows

    def _where(self, row: int) -> str:
        return f"row {row}" if self._is_parquet else f"row {row} (line {row + 1})"

    def _refused(self, up_to: int | None, reported: set[int]) -> list[str]:
        rows = sorted(
            {line - 1 for line in self._refused_lines if up_to is None or line - 1 <= up_to}
            - reported
        )
        reported.update(rows)
        return [f"{self._where(row)}: not as many cells as columns in the header" for row in rows]

    def chunks(self) -> Iterator[AnswerChunk]:
        """Yield the file's rows a chunk at a time, checked and converted.

        The file is read and checked ahead, in a thread, while the caller scores the chunk
        before (Arrow's reader and NumPy work without Python's lock, so the two use two
        cores). At most :data:`READ_AHEAD` chunks wait, so memory does not grow with the file.

        Raises:
            TableError: the file cannot be read (e.g. not CSV, a broken gzip stream).
        """
        return _read_ahead(self._chunks_in_order, READ_AHEAD)

    def _chunks_in_order(self) -> Iterator[AnswerChunk]:
        self._refused_lines: list[int] = []
        reported: set[int] = set()
        batches = self._parquet_batches() if self._is_parquet else self._csv_batches()
        for batch, numbers in batches:
            chunk = self._convert(batch, numbers)
            # Rows with more or fewer cells than the header are refused by the reader.
            last = int(numbers[-1]) if len(numbers) else 0
            refused = self._refused(last, reported)
            if refused:
                chunk.problems = sorted(
                    [*refused, *chunk.problems], key=lambda line: int(line.split()[1].rstrip(":"))
                )
            yield chunk
        refused = self._refused(None, reported)
        if refused:
            yield AnswerChunk(
                rows=np.empty(0, dtype=np.int64),
                identifiers=None,
                matrix=np.empty((0, len(self.items))),
                problems=refused,
            )

    def _convert(self, batch: pa.RecordBatch, numbers: npt.NDArray[np.int64]) -> AnswerChunk:
        size = batch.num_rows
        matrix = np.empty((size, len(self.items)), order="F")  # filled column by column
        # Per bad row: (column, problem) of its first bad cell, in item order.
        first_problem: dict[int, tuple[int, str]] = {}
        may_be_fractional = []
        names = batch.schema.names
        for position, check in enumerate(self._checks):
            if check.item.id not in names:
                matrix[:, position] = np.nan
                continue
            column = batch.column(names.index(check.item.id))
            if isinstance(column, pa.ChunkedArray):
                column = column.combine_chunks()
            if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
                values, unreadable = _text_column(column, check)
                for row, problem in unreadable.items():
                    first_problem.setdefault(row, (position, problem))
                matrix[:, position] = values
            elif pa.types.is_integer(column.type):
                # Integers with nulls come out as floats with NaN.
                matrix[:, position] = column.to_numpy(zero_copy_only=False)
            else:
                matrix[:, position] = _number_column(column)
                may_be_fractional.append(position)
        with np.errstate(invalid="ignore"):
            bad = (matrix < self._lo) | (matrix > self._hi)
        for position in may_be_fractional:
            values = matrix[:, position]
            with np.errstate(invalid="ignore"):
                bad[:, position] |= values != np.floor(values)
            bad[:, position] &= ~np.isnan(values)
        for position in self._scattered:
            bad[:, position] |= self._checks[position].bad(matrix[:, position])
        if bad.any():
            for row in np.flatnonzero(bad.any(axis=1)).tolist():
                position = int(bad[row].argmax())
                if row not in first_problem or first_problem[row][0] > position:
                    first_problem[row] = (
                        position,
                        self._checks[position].not_allowed(float(matrix[row, position])),
                    )
        identifiers = batch.column(names.index(self.id_column)) if self.id_column in names else None
        if identifiers is not None and not pa.types.is_string(identifiers.type):
            identifiers = pc.cast(identifiers, pa.string())
        if not first_problem:
            return AnswerChunk(numbers, identifiers, matrix)
        bad_rows = sorted(first_problem)
        keep = np.ones(size, dtype=bool)
        keep[bad_rows] = False
        problems = [
            f"{self._where(int(numbers[row]))}: {first_problem[row][1]}" for row in bad_rows
        ]
        return AnswerChunk(
            rows=numbers[keep],
            identifiers=identifiers.filter(pa.array(keep)) if identifiers is not None else None,
            matrix=matrix[keep],
            problems=problems,
        )


_DONE = object()


def _read_ahead(produce: Callable[[], Iterator[AnswerChunk]], depth: int) -> Iterator[AnswerChunk]:
    """Run ``produce`` in a thread and yield what it yields, in order, ``depth`` ahead at most.

    An error in the thread is raised here, in the caller's thread. When the caller stops
    early (an error, a closed generator), the thread is told to stop and is waited for, so the
    file is closed before this returns.
    """
    waiting: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def hand_over(item: object) -> bool:
        while not stop.is_set():
            try:
                waiting.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def run() -> None:
        try:
            for chunk in produce():
                if not hand_over(chunk):
                    return
        except BaseException as error:  # raised again in the caller's thread
            hand_over(error)
            return
        hand_over(_DONE)

    thread = threading.Thread(target=run, name="answers-reader", daemon=True)
    thread.start()
    try:
        while True:
            item = waiting.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        thread.join()


def _row_numbers(
    size: int, next_row: int, invalid_lines: Sequence[int]
) -> tuple[npt.NDArray[np.int64], int]:
    """Number ``size`` rows from ``next_row``, skipping rows the reader refused.

    ``invalid_lines`` are the line numbers (the header is line 1) of refused rows so far.
    """
    refused = sorted({line - 1 for line in invalid_lines if line - 1 >= next_row})
    numbers = np.empty(size, dtype=np.int64)
    filled = 0
    current = next_row
    for row in refused:
        run = min(row - current, size - filled)
        if run > 0:
            numbers[filled : filled + run] = np.arange(current, current + run)
            filled += run
            current += run
        if filled == size:
            break
        current = row + 1
    if filled < size:
        numbers[filled:] = np.arange(current, current + size - filled)
        current += size - filled
    return numbers, current


#: ``str(round(score, 2))`` of every score from 0 to 100, by hundredths: the text of a column
#: of scores is one lookup (a score is printed as Python prints it: ``50.0``, ``33.33``).
_SCORE_TEXTS = pa.array([str(round(hundredths / 100, 2)) for hundredths in range(10_001)])


def _scores(values: FloatArray) -> pa.Array:
    """Scores (0-100, NaN where not scored) as text rounded to 2 decimals; null for NaN."""
    missing = np.isnan(values)
    hundredths = np.rint(np.clip(np.where(missing, 0.0, values), 0.0, 100.0) * 100.0)
    return _SCORE_TEXTS.take(pa.array(hundredths.astype(np.int32), mask=missing))


def _keys(positions: npt.NDArray[np.integer], keys: Sequence[str]) -> pa.Array:
    """Keys by position, null (an empty cell) where the position is -1."""
    codes = pa.array(positions.astype(np.int32), mask=positions < 0)
    if not keys:
        return pa.nulls(len(positions), pa.string())
    return pa.array(list(keys), pa.string()).take(codes)


def _flag_words(flags: npt.NDArray[np.bool_], keys: Sequence[str]) -> pa.Array:
    """The raised flags' keys, space-separated, through a table of every combination."""
    size = flags.shape[0]
    if not keys:
        return pa.array(np.full(size, ""), pa.string())
    if len(keys) > 16:
        return pa.array(
            [" ".join(k for k, on in zip(keys, row, strict=True) if on) for row in flags]
        )
    code = (flags.astype(np.int64) << np.arange(len(keys), dtype=np.int64)).sum(axis=1)
    words = [
        " ".join(key for bit, key in enumerate(keys) if combination >> bit & 1)
        for combination in range(1 << len(keys))
    ]
    return pa.array(words, pa.string()).take(pa.array(code))


def result_columns(
    batch: BatchResult,
    rows: npt.NDArray[np.int64],
    identifiers: pa.Array | None,
    id_column: str | None,
    *,
    as_text: bool = True,
) -> pa.Table:
    """The columns ``score`` writes for a chunk, as an Arrow table.

    ``row``, the id column (when the file has one), then per scale its score and
    ``SCALE_band``, each index, ``primary_style`` and ``pattern`` (with a style), and
    ``flags`` (raised flag keys, space-separated): the same as
    :meth:`~tandem.instruments.results.BatchResult.rows`. With ``as_text``, scores are text
    as Python prints them; otherwise numbers (for JSON lines).
    """

    def score(values: FloatArray) -> pa.Array:
        if as_text:
            return _scores(values)
        return pa.array(np.round(values, 2), mask=np.isnan(values))

    instrument = batch.instrument
    columns: dict[str, pa.Array] = {"row": pa.array(rows)}
    if id_column:
        columns[id_column] = (
            identifiers if identifiers is not None else pa.nulls(len(rows), pa.string())
        )
    for column, scale in enumerate(instrument.scales.values()):
        columns[scale.key] = score(batch.scores[:, column])
        columns[f"{scale.key}_band"] = _keys(
            batch.bands[:, column], [band.key for band in scale.bands]
        )
    for column, index in enumerate(instrument.indices.values()):
        columns[index.key] = score(batch.index_scores[:, column])
    if batch.style_keys:
        columns["primary_style"] = _keys(batch.primary, batch.style_keys)
        columns["pattern"] = _keys(batch.pattern, PATTERNS)
    columns["flags"] = _flag_words(batch.flags, batch.flag_keys)
    return pa.table(columns)


class ResultWriter:
    """Writes the scored chunks as CSV (one header) or as JSON lines, as they come.

    ``target`` is a binary stream (a file, standard output's buffer) or a text stream. The
    formatting and writing happen in a thread (Arrow works without Python's lock), so the
    next chunk is scored meanwhile; at most two chunks wait. Use it as a context manager: on
    leaving, everything has been written.
    """

    def __init__(self, target: object, *, json_lines: bool) -> None:
        self.target = target
        self.json_lines = json_lines
        self._header = True
        self._binary = not isinstance(target, io.TextIOBase)
        self._waiting: queue.Queue[pa.Table | None] = queue.Queue(maxsize=2)
        self._error: BaseException | None = None
        # Started with the first chunk: a run with nothing to write starts no thread.
        self._thread = threading.Thread(target=self._run, name="results-writer", daemon=True)

    def __enter__(self) -> ResultWriter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _run(self) -> None:
        while True:
            table = self._waiting.get()
            if table is None:
                return
            if self._error is not None:
                continue
            try:
                self._write_now(table)
            except BaseException as error:  # raised again in the caller's thread
                self._error = error

    def _write(self, data: bytes) -> None:
        if self._binary:
            self.target.write(data)  # type: ignore[attr-defined]
        else:
            self.target.write(data.decode("utf-8"))  # type: ignore[attr-defined]

    def write(self, table: pa.Table) -> None:
        """Queue one chunk's results (from :func:`result_columns`) for writing."""
        if self._error is not None:
            raise self._error
        if not self._thread.is_alive() and self._thread.ident is None:
            self._thread.start()
        self._waiting.put(table)

    def close(self) -> None:
        """Wait until every chunk is written; raise the writing error, if there was one."""
        if self._thread.is_alive():
            self._waiting.put(None)
            self._thread.join()
        if self._error is not None:
            raise self._error

    def _write_now(self, table: pa.Table) -> None:
        if self.json_lines:
            self._write(
                "".join(
                    json.dumps(record, ensure_ascii=False) + "\n" for record in table.to_pylist()
                ).encode("utf-8")
            )
            return
        if not table.num_rows:
            return
        if self._header:
            header = io.StringIO()
            csv.writer(header, lineterminator="\n").writerow(table.column_names)
            self._write(header.getvalue().encode("utf-8"))
            self._header = False
        self._write(_csv_lines(table))


def _csv_lines(table: pa.Table) -> bytes:
    """The rows of ``table`` as CSV lines, without a header.

    Scores, keys and flags never need quotes, so nothing is quoted unless a chunk's id
    column holds a comma, a quote or a line break; then that chunk quotes its text cells.
    """
    quoting = "none"
    for name in table.column_names:
        column = table.column(name)
        if (
            name in ID_COLUMNS
            and pa.types.is_string(column.type)
            and pc.any(pc.match_substring_regex(column, r'[,"\r\n]')).as_py()
        ):
            quoting = "needed"
    sink = pa.BufferOutputStream()
    pa_csv.write_csv(
        table,
        sink,
        write_options=pa_csv.WriteOptions(include_header=False, quoting_style=quoting),
    )
    return bytes(sink.getvalue().to_pybytes())
