from __future__ import annotations

import pytest

from tandem.instruments import Instrument, library, parse_instrument
from tandem.instruments.definition import Strategy
from tandem.instruments.tests.definitions import tiny


@pytest.fixture(scope="session")
def strategies() -> dict[str, Strategy]:
    return library.strategies()


@pytest.fixture(scope="session")
def tiny_instrument(strategies: dict[str, Strategy]) -> Instrument:
    return parse_instrument(tiny(), file="tiny.yaml", strategies=strategies)


@pytest.fixture(scope="session")
def relating_styles() -> Instrument:
    return library.get("relating-styles")


@pytest.fixture(scope="session")
def safety() -> Instrument:
    return library.get("safety")
