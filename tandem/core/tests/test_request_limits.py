"""A request body over Django's limit (DATA_UPLOAD_MAX_MEMORY_SIZE, 2.5 MB) is refused with
413 and a sentence, in the API as on pages, with DEBUG on or off; never a 500."""

from __future__ import annotations

from typing import Any

import pytest

from tandem.conftest import client_for

THREE_MB = '{"answers": {"x": "' + "y" * (3 * 1024 * 1024) + '"}}'


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [True, False])
@pytest.mark.parametrize(
    "path", ["/api/v1/instruments/relating-styles/score", "/api/v1/match", "/api/v1/bookings"]
)
def test_a_3_mb_json_body_gets_413(client_user: Any, settings: Any, debug: bool, path: str) -> None:
    settings.DEBUG = debug

    response = client_for(client_user).post(path, data=THREE_MB, content_type="application/json")

    assert response.status_code == 413
    assert response.json() == {
        "detail": "The request body is larger than the 2.5 MB this site accepts."
    }
