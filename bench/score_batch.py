"""Benchmark: score a million synthetic respondents to relating-styles, vectorised and from a file.

Prints the vectorised rate (respondents per second), the rate of the per-respondent loop over
the single-response scorer (measured on a sample), their ratio, and Cronbach's alpha of every
scale over the million. The target is the million in under one second on one core, so the
BLAS thread pools are limited to one thread before NumPy is imported.

Then the path a researcher uses: it writes the million to a CSV file (with an id column and
2% of cells empty) and, in the same run, times the whole command
``python -m tandem.instruments score relating-styles FILE --out OUT`` in a child process
beside merely iterating the same file with Python's ``csv`` module, alternating the two and
keeping the best of ``--file-repeats``. It prints both, their ratio (target: at most 2), the
child's CPU time and peak memory (target: under 400 MB), and the load average, because the
machine may be shared.

    .venv/bin/python bench/score_batch.py [--respondents 1000000] [--loop-sample 2000]
        [--file-repeats 3] [--skip-file]
"""

from __future__ import annotations

import os

for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import argparse  # noqa: E402
import csv  # noqa: E402
import math  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import numpy.typing as npt  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tandem.instruments import cronbach_alpha, library  # noqa: E402
from tandem.instruments.instrument import Instrument  # noqa: E402
from tandem.instruments.psychometrics import keyed_answers  # noqa: E402


def synthetic_answers(
    instrument: Instrument, respondents: int, *, missing: float = 0.02, seed: int = 2024
) -> npt.NDArray[np.float64]:
    """Answers from a simple latent model: one trait per scale, items load on their trait.

    Each respondent has a standard normal trait per scale; an item's answer is the trait times
    0.8 plus noise, cut into the response scale's values, turned round for reversed items.
    A share ``missing`` of answers is left out (NaN).
    """
    rng = np.random.default_rng(seed)
    answers = np.empty((respondents, len(instrument.items)))
    column = {item_id: position for position, item_id in enumerate(instrument.item_ids)}
    for scale in instrument.scales.values():
        trait = rng.standard_normal(respondents)
        for item in scale.items:
            low, high = item.response.minimum, item.response.maximum
            latent = 0.8 * trait + 0.6 * rng.standard_normal(respondents)
            # Cut points spread the answers over the whole scale.
            levels = np.clip(np.round((latent + 2.5) / 5.0 * (high - low)), 0, high - low)
            value = low + levels
            answers[:, column[item.id]] = (low + high - value) if item.reverse else value
    answers[rng.random(answers.shape) < missing] = np.nan
    return answers


ROOT = Path(__file__).resolve().parent.parent


def write_answers_csv(instrument: Instrument, answers: npt.NDArray[np.float64], path: Path) -> None:
    """Write ``answers`` as a CSV file a researcher might have: an id column, then the items;
    empty cells where unanswered."""
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    columns: dict[str, pa.Array] = {
        "id": pa.array([f"r{row:07d}" for row in range(answers.shape[0])])
    }
    for position, item_id in enumerate(instrument.item_ids):
        values = answers[:, position]
        missing = np.isnan(values)
        columns[item_id] = pa.array(np.where(missing, 0, values).astype(np.int8), mask=missing)
    with path.open("wb") as file:
        file.write((",".join(columns) + "\n").encode())
        pa_csv.write_csv(
            pa.table(columns),
            file,
            write_options=pa_csv.WriteOptions(include_header=False, quoting_style="none"),
        )


def iterate_with_csv(path: Path) -> tuple[float, int]:
    """Seconds to merely iterate the file with Python's csv module, and the rows seen."""
    start = time.perf_counter()
    rows = 0
    with path.open(newline="", encoding="utf-8") as file:
        for _row in csv.reader(file):
            rows += 1
    return time.perf_counter() - start, rows - 1


# The command runs under a small launcher. A child's ``ru_maxrss`` on Linux starts from the
# resident size of the process that forked it (exec keeps the old image's high-water mark), and
# this process holds a million answers in memory, so timing the command as our own child
# would report our memory, not its. The launcher is small; its child's figure is its own.
LAUNCHER = """
import os, subprocess, sys, time
start = time.perf_counter()
child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
_pid, status, usage = os.wait4(child.pid, 0)
wall = time.perf_counter() - start
cpu = usage.ru_utime + usage.ru_stime
print(wall, cpu, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status))
"""


def run_command(arguments: list[str]) -> tuple[float, float, float, int]:
    """Run the command under the launcher; return its wall seconds, CPU seconds, peak memory
    (MB) and exit status, all measured around the command alone."""
    launched = subprocess.run(
        [sys.executable, "-c", LAUNCHER, *arguments],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if launched.returncode != 0 or not launched.stdout.strip():
        raise SystemExit(f"the launcher failed: {launched.stderr}")
    wall, cpu, peak, status = launched.stdout.split()
    return float(wall), float(cpu), float(peak), int(status)


def file_benchmark(instrument: Instrument, answers: npt.NDArray[np.float64], repeats: int) -> None:
    """Time the whole score command on a file beside iterating it with csv; print figures."""
    with tempfile.TemporaryDirectory(prefix="tandem-bench-") as folder:
        source = Path(folder) / "answers.csv"
        target = Path(folder) / "scores.csv"
        write_answers_csv(instrument, answers, source)
        size = source.stat().st_size / 1e6
        command = [
            sys.executable,
            "-m",
            "tandem.instruments",
            "score",
            instrument.slug,
            str(source),
            "--out",
            str(target),
        ]
        load_before = os.getloadavg()
        bare_times: list[float] = []
        runs: list[tuple[float, float, float, int]] = []
        for _ in range(repeats):
            seconds, rows = iterate_with_csv(source)
            bare_times.append(seconds)
            runs.append(run_command(command))
        load_after = os.getloadavg()
        if any(status != 0 for *_rest, status in runs):
            raise SystemExit(f"the score command failed: {runs}")
        with target.open(newline="", encoding="utf-8") as file:
            written = sum(1 for _ in file) - 1
        if written != rows:
            raise SystemExit(f"the command wrote {written} rows for {rows}")
        bare = min(bare_times)
        wall, cpu, _peak, _status = min(runs)
        peak = max(run[2] for run in runs)
    print(
        f"\nfile: {rows:,} rows, {size:,.0f} MB of CSV; load average "
        f"{load_before[0]:.2f} before, {load_after[0]:.2f} after (1 min), on {os.cpu_count()} CPUs"
    )
    print(f"iterating it with Python's csv module: {bare:.2f} s (best of {repeats})")
    print(
        f"python -m tandem.instruments score: {wall:.2f} s (best of {repeats}), "
        f"{cpu:.2f} s of CPU, peak memory {peak:.0f} MB"
    )
    ratio = wall / bare
    print(f"ratio (whole command / bare iteration): {ratio:.2f}x")
    print(f"target (at most 2x): {'met' if ratio <= 2 else 'NOT met'}")
    print(f"target (peak under 400 MB): {'met' if peak < 400 else 'NOT met'}")


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=1_000_000)
    parser.add_argument("--loop-sample", type=int, default=2_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--file-repeats", type=int, default=3)
    parser.add_argument("--skip-file", action="store_true", help="skip the file benchmark")
    args = parser.parse_args()

    instrument = library.get("relating-styles")
    answers = synthetic_answers(instrument, args.respondents)
    instrument.score_many(answers[:1000])  # compile once, outside the timing

    timings = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        batch = instrument.score_many(answers)
        timings.append(time.perf_counter() - start)
    vectorised_seconds = min(timings)
    vectorised_rate = args.respondents / vectorised_seconds

    sample = answers[: args.loop_sample]
    item_ids = instrument.item_ids
    responses = [
        {
            item_id: int(value)
            for item_id, value in zip(item_ids, row.tolist(), strict=True)
            if not math.isnan(value)
        }
        for row in sample
    ]
    start = time.perf_counter()
    looped = [instrument.score(response) for response in responses]
    loop_seconds = time.perf_counter() - start
    loop_rate = len(responses) / loop_seconds

    # The loop and the batch must agree, or the comparison means nothing.
    for row, result in enumerate(looped[:200]):
        for column, key in enumerate(batch.scale_keys):
            expected = batch.scores[row, column]
            got = result.scales[key].score
            if (got is None) != math.isnan(expected) or (
                got is not None and abs(got - expected) > 1e-9
            ):
                raise SystemExit(f"mismatch at row {row}, scale {key}")

    start = time.perf_counter()
    keyed = keyed_answers(instrument, answers)
    position = {item_id: column for column, item_id in enumerate(item_ids)}
    alphas = {
        key: cronbach_alpha(keyed[:, [position[item.id] for item in scale.items]])
        for key, scale in instrument.scales.items()
    }
    alpha_seconds = time.perf_counter() - start

    print(
        f"relating-styles v{instrument.version}: {len(item_ids)} items, "
        f"{len(instrument.scales)} scales, 2% of answers missing"
    )
    print(
        f"vectorised: {args.respondents:,} respondents in {vectorised_seconds:.3f} s "
        f"(best of {args.repeats}) = {vectorised_rate:,.0f} respondents/s"
    )
    print(
        f"per-respondent loop: {len(responses):,} respondents in {loop_seconds:.3f} s "
        f"= {loop_rate:,.0f} respondents/s"
    )
    print(f"ratio (vectorised / loop): {vectorised_rate / loop_rate:,.0f}x")
    target = "met" if vectorised_seconds < 1.0 else "NOT met"
    print(f"target (1,000,000 in under 1 s on one core): {target}")
    print(
        f"Cronbach's alpha over {args.respondents:,} respondents (listwise, {alpha_seconds:.2f} s):"
    )
    for key, alpha in alphas.items():
        print(f"  {key:<18} {alpha:.3f}")
    if not args.skip_file:
        file_benchmark(instrument, answers, args.file_repeats)


if __name__ == "__main__":
    main()
