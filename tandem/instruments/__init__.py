"""Tandem's assessment engine: instrument definitions, scoring, style, plan and psychometrics.

Plain Python and NumPy; nothing here imports Django, so the engine can be used, tested and
benchmarked on its own (``python -m tandem.instruments --help``).

Example::

    >>> from tandem.instruments import library
    >>> instrument = library.get("relating-styles")
    >>> result = library.score_session("relating-styles", {"sr1": 4, "sf1": 0})
    >>> result.to_dict()["notice"]
    'This is a tool for self-reflection, not a diagnosis. ...'

See ``docs/instruments.md`` for the definition format and the command line.
"""

from __future__ import annotations

from tandem.instruments import (
    _threads,  # noqa: F401 (first: before NumPy is imported)
    library,
)
from tandem.instruments.catalogue import Library
from tandem.instruments.couples import BalanceComparison, PartnerComparison, compare_partners
from tandem.instruments.definition import (
    DEFAULT_NOTICE,
    Band,
    InstrumentDefinition,
    Item,
    ResponseScale,
    Scale,
    Section,
    Strategy,
)
from tandem.instruments.errors import (
    AnswerError,
    AnswerTypeError,
    DefinitionError,
    InstrumentError,
    UnknownInstrument,
)
from tandem.instruments.instrument import Instrument
from tandem.instruments.psychometrics import (
    InsufficientData,
    ReliableChange,
    ScaleReliability,
    alpha_if_dropped,
    cronbach_alpha,
    item_total_correlations,
    omega_total,
    reliability_report,
    reliable_change,
    standard_error_of_measurement,
)
from tandem.instruments.results import (
    BandResult,
    BatchResult,
    IndexResult,
    PlanStep,
    RaisedFlag,
    Result,
    ScaleResult,
    StyleProfile,
)
from tandem.instruments.rules import PATTERNS
from tandem.instruments.validation import load_instrument, parse_instrument

__all__ = [
    "DEFAULT_NOTICE",
    "PATTERNS",
    "AnswerError",
    "AnswerTypeError",
    "BalanceComparison",
    "Band",
    "BandResult",
    "BatchResult",
    "DefinitionError",
    "IndexResult",
    "Instrument",
    "InstrumentDefinition",
    "InstrumentError",
    "InsufficientData",
    "Item",
    "Library",
    "PartnerComparison",
    "PlanStep",
    "RaisedFlag",
    "ReliableChange",
    "ResponseScale",
    "Result",
    "Scale",
    "ScaleReliability",
    "ScaleResult",
    "Section",
    "Strategy",
    "StyleProfile",
    "UnknownInstrument",
    "alpha_if_dropped",
    "compare_partners",
    "cronbach_alpha",
    "item_total_correlations",
    "library",
    "load_instrument",
    "omega_total",
    "parse_instrument",
    "reliability_report",
    "reliable_change",
    "standard_error_of_measurement",
]
