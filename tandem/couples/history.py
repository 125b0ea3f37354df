"""The couple's rounds over time, with reliable change where the instrument allows judging it.

Each partner's own view of each balance is compared with their view in the previous round
with the engine's ``Instrument.reliable_change`` on the scale's 0-100 score. An instrument
without reliability figures and norms for a scale (the Couple Balance Check ships none yet)
shows the difference without a judgement, as the individual history does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tandem.couples.models import INSTRUMENT
from tandem.couples.services import RoundState
from tandem.instruments import UnknownInstrument, library

__all__ = ["couple_history"]


@dataclass(frozen=True)
class Change:
    before: float | None
    after: float | None
    reliable: bool | None  # None: not judged (no figures, or no earlier score)
    direction: str


def _score(state: RoundState, key: str, *, theirs: bool) -> float | None:
    response = state.partner_response if theirs else state.viewer_response
    result = (response.result if response is not None else None) or {}
    scale = result.get("scales", {}).get(key) or {}
    score = scale.get("score")
    return float(score) if score is not None else None


def _judge(version: int, key: str, before: float | None, after: float | None) -> Change:
    if before is None or after is None:
        return Change(before, after, None, "")
    try:
        change = library.get(INSTRUMENT, version).reliable_change(key, before, after)
    except (KeyError, UnknownInstrument):
        return Change(before, after, None, "")
    return Change(before, after, change.reliable, change.direction if change.reliable else "")


def couple_history(states: Sequence[RoundState], *, partner_name: str) -> dict[str, Any]:
    """Rows per balance scale, one cell per round, with the change since the round before.

    Only rounds with a report reach here. The partner's figures are their view of the
    balance turned into the viewer's frame (100 - score), as in the report.
    """
    if not states:
        return {"rounds": [], "scales": [], "judged": False}
    instrument = library.get(INSTRUMENT, states[-1].round.instrument_version)
    keys = list(instrument.comparison.balances) if instrument.comparison else []
    scales = []
    judged = False
    for key in keys:
        cells = []
        previous_mine: float | None = None
        previous_theirs: float | None = None
        for state in states:
            mine = _score(state, key, theirs=False)
            theirs = _score(state, key, theirs=True)
            theirs_in_my_frame = None if theirs is None else 100 - theirs
            mine_change = _judge(state.round.instrument_version, key, previous_mine, mine)
            theirs_change = _judge(state.round.instrument_version, key, previous_theirs, theirs)
            judged = judged or mine_change.reliable is not None
            cells.append(
                {
                    "round": state.round,
                    "mine": None if mine is None else round(mine),
                    "theirs": None if theirs_in_my_frame is None else round(theirs_in_my_frame),
                    "mine_change": mine_change,
                    "theirs_change": theirs_change,
                }
            )
            previous_mine, previous_theirs = mine, theirs
        scales.append({"key": key, "title": instrument.scales[key].title, "cells": cells})
    return {
        "rounds": [state.round for state in states],
        "scales": scales,
        "judged": judged,
        "partner_name": partner_name,
    }
