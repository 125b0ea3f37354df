"""Fixtures the couples tests share."""

from __future__ import annotations

from typing import Any

import pytest

from tandem.conftest import client_for
from tandem.couples.models import Couple
from tandem.couples.tests.helpers import active_couple, answer_all


@pytest.fixture
def ready_couple(client_user: Any, partner_user: Any) -> Couple:
    """Casey and Parker as an active couple, both of whom have answered the first round."""
    couple = active_couple(client_user, partner_user)
    answer_all(client_for(client_user), couple)
    answer_all(client_for(partner_user), couple)
    return couple
