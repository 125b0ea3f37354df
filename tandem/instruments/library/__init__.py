"""Tandem's own instruments: the YAML files in this folder, and functions to reach them.

Example::

    >>> from tandem.instruments import library
    >>> library.get("relating-styles").title
    'Relating Styles Inventory'
    >>> sorted(library.strategies())[:2]
    ['alone', 'attachment']
    >>> other = library.Library("/path/to/another/folder")  # e.g. in tests

Every function here uses the default library (this folder), loaded on first use.
"""

from __future__ import annotations

from collections.abc import Mapping

from tandem.instruments.catalogue import DEFAULT_FOLDER, Library
from tandem.instruments.definition import Strategy
from tandem.instruments.instrument import Instrument
from tandem.instruments.results import Result

__all__ = [
    "DEFAULT_FOLDER",
    "Library",
    "all",
    "default",
    "get",
    "score_session",
    "strategies",
]

#: The library of this folder.
default = Library(DEFAULT_FOLDER)


def get(slug: str, version: int | None = None) -> Instrument:
    """Return an instrument by slug, the latest version unless ``version`` is given.

    Raises:
        UnknownInstrument: no such slug or version.
    """
    return default.get(slug, version)


def all() -> list[Instrument]:
    """Return the latest version of every instrument, by slug."""
    return default.all()


def strategies() -> dict[str, Strategy]:
    """Return the plan's strategies by key, with title, why and exercises."""
    return default.strategies()


def score_session(
    slug: str, answers: Mapping[str, int | None], *, version: int | None = None
) -> Result:
    """Score an instrument with its companions (e.g. ``safety``); see
    :meth:`Library.score_session`."""
    return default.score_session(slug, answers, version=version)
