"""Benchmark: score a million synthetic respondents to relating-styles, vectorised.

Prints the vectorised rate (respondents per second), the rate of the per-respondent loop over
the single-response scorer (measured on a sample), their ratio, and Cronbach's alpha of every
scale over the million. The target is the million in under one second on one core, so the
BLAS thread pools are limited to one thread before NumPy is imported.

    .venv/bin/python bench/score_batch.py [--respondents 1000000] [--loop-sample 2000]
"""

from __future__ import annotations

import os

for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import argparse  # noqa: E402
import math  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import numpy.typing as npt  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tandem.instruments import cronbach_alpha, library  # noqa: E402
from tandem.instruments.definition import Instrument  # noqa: E402
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


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=1_000_000)
    parser.add_argument("--loop-sample", type=int, default=2_000)
    parser.add_argument("--repeats", type=int, default=3)
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


if __name__ == "__main__":
    main()
