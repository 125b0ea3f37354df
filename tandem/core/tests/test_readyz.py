from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.db import OperationalError, connection

from tandem.core import views

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _forget_the_migration_check(monkeypatch: Any) -> None:
    monkeypatch.setattr(views, "_migrations_applied", False)


def test_readyz_is_ok_when_database_cache_and_migrations_are(anonymous: Any) -> None:
    response = anonymous.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "cache": "ok",
        "migrations": "ok",
    }
    assert "no-cache" in response["Cache-Control"]


def test_readyz_is_503_when_a_migration_is_not_applied(anonymous: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(views, "_unapplied_migrations", lambda: 2)

    response = anonymous.get("/readyz")

    assert response.status_code == 503
    assert response.json()["migrations"] == "2 not applied"


def test_readyz_is_503_when_the_cache_does_not_answer(anonymous: Any, monkeypatch: Any) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(cache, "set", refuse)

    response = anonymous.get("/readyz")

    assert response.status_code == 503
    assert response.json()["cache"] == "not answering"


def test_readyz_is_503_when_the_database_does_not_answer(anonymous: Any, monkeypatch: Any) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)

    response = anonymous.get("/readyz")

    assert response.status_code == 503
    assert response.json()["database"] == "not answering"
    assert response.json()["migrations"] == "unknown"


def test_readyz_refuses_post(anonymous: Any) -> None:
    assert anonymous.post("/readyz").status_code == 405
