"""An instrument: its definition, with the operations a caller needs as methods.

:class:`Instrument` is an :class:`~tandem.instruments.definition.InstrumentDefinition` (plain
data) whose methods call the functions of :mod:`tandem.instruments.scoring` and
:mod:`tandem.instruments.psychometrics`. It sits above them, so the definition stays data and
no module of the engine imports one that imports it back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy.typing as npt

from tandem.instruments.definition import InstrumentDefinition
from tandem.instruments.psychometrics import (
    OutcomeChange,
    ReliableChange,
    classify_change,
    reliable_change,
)
from tandem.instruments.results import BatchResult, Result
from tandem.instruments.scoring import score_answers, score_matrix

__all__ = ["Instrument"]


class Instrument(InstrumentDefinition):
    """A validated instrument definition that can score responses.

    Load one with :func:`tandem.instruments.load_instrument` or from the library
    (``library.get("relating-styles")``). Score one response with :meth:`score`, many with
    :meth:`score_many`.
    """

    def score(
        self, answers: Mapping[str, int | None], *, companions: Sequence[InstrumentDefinition] = ()
    ) -> Result:
        """Score one response.

        Parameters:
            answers: item id to value; ``None`` (or leaving the item out) means not answered.
                With ``companions``, the answers to their items go in the same mapping.
            companions: instruments asked together with this one (e.g. ``safety``). Their
                flags join the result and act on the plan.

        Returns:
            a :class:`~tandem.instruments.results.Result`.

        Raises:
            AnswerError: an unknown item id, or a value the item does not allow (the message
                names the item and its allowed values).
            AnswerTypeError: a value that is not a whole number or ``None``.

        Example::

            >>> result = instrument.score({"sr1": 4, "sr2": 4, "sr3": 2, "sr4": None})
            >>> result.scales["self_reliance"].score  # sr3 is reversed: 2 counts as 4
            75.0
        """
        return score_answers(self, answers, companions=companions)

    def score_many(
        self, matrix: npt.ArrayLike, *, companions: Sequence[InstrumentDefinition] = ()
    ) -> BatchResult:
        """Score many responses at once, vectorised (no Python loop per respondent).

        Parameters:
            matrix: one row per respondent, one column per item in :attr:`item_ids` order,
                followed by each companion's items in its own order; NaN where not answered.
            companions: instruments whose items follow this one's in ``matrix``.

        Returns:
            a :class:`~tandem.instruments.results.BatchResult` of arrays, one row per
            respondent; ``batch.result(i)`` gives respondent ``i``'s full result.

        Raises:
            AnswerError: a value an item does not allow (naming the row and the item), or a
                matrix of the wrong width.

        Example::

            >>> batch = instrument.score_many(np.full((3, len(instrument.item_ids)), 3.0))
            >>> batch.scores.shape
            (3, 12)
        """
        return score_matrix(self, matrix, companions=companions)

    def reliable_change(self, scale: str, before: float, after: float) -> ReliableChange:
        """Judge the change in one scale's score with the reliable change index.

        Uses the scale's ``reliability`` (alpha) and ``norms`` (SD) from the definition; see
        :func:`tandem.instruments.psychometrics.reliable_change` for the formula.

        Raises:
            KeyError: the definition has no reliability figure or norm for this scale.
        """
        if scale not in self.reliability or scale not in self.norms:
            raise KeyError(
                f"{self.slug} v{self.version} has no reliability and norms for scale {scale!r}"
            )
        return reliable_change(
            before, after, sd=self.norms[scale].sd, reliability=self.reliability[scale].alpha
        )

    def outcome_change(self, before: float, after: float) -> OutcomeChange:
        """Judge the change in the outcome scale: improved, recovered, deteriorated or neither.

        See :func:`tandem.instruments.psychometrics.classify_change`.

        Raises:
            KeyError: the definition names no outcome scale.
        """
        if self.outcome is None:
            raise KeyError(f"{self.slug} v{self.version} names no outcome scale")
        key = self.outcome.scale
        return classify_change(
            before,
            after,
            sd=self.norms[key].sd,
            reliability=self.reliability[key].alpha,
            better=self.outcome.better,
            cutoff=self.outcome.cutoff,
        )
