"""Production mode refuses to start without its secrets, and passes Django's deploy checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[3]

GOOD = {
    "TANDEM_ENV": "production",
    "SECRET_KEY": "k" * 20 + "x7Gq2#pL9v!Rz4&mW1tY8sD3fH6jK0bN5cX",
    "ALLOWED_HOSTS": "tandem.example.org",
    "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
    "DATABASE_URL": "postgres://tandem@127.0.0.1:5432/tandem",
    "SITE_URL": "https://tandem.example.org",
}


def _run(env_overrides, *args):
    ignored = {*GOOD, "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in ignored}
    env.update({k: v for k, v in env_overrides.items() if v is not None})
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("SECRET_KEY", "SECRET_KEY must be set"),
        ("ALLOWED_HOSTS", "ALLOWED_HOSTS must name"),
        ("FIELD_ENCRYPTION_KEYS", "FIELD_ENCRYPTION_KEYS must hold"),
        ("DATABASE_URL", "DATABASE_URL must name a PostgreSQL database in production"),
        ("SITE_URL", "SITE_URL must be the site's public address"),
    ],
)
def test_production_refuses_to_start_without_each_secret(missing, message):
    result = _run({**GOOD, missing: None}, "check")

    assert result.returncode != 0
    assert message in result.stderr


def test_production_refuses_a_short_secret_key():
    result = _run({**GOOD, "SECRET_KEY": "too-short"}, "check")

    assert result.returncode != 0
    assert "at least 50 characters" in result.stderr


@pytest.mark.parametrize("address", ["http://tandem.example.org", "tandem.example.org", "https://"])
def test_production_refuses_a_site_url_that_is_not_a_public_https_address(address):
    result = _run({**GOOD, "SITE_URL": address}, "check")

    assert result.returncode != 0
    assert "SITE_URL must be the site's public address" in result.stderr


def test_make_run_gives_the_site_and_its_worker_the_address_it_serves():
    dry_run = subprocess.run(
        ["make", "-n", "run", "HOST=127.0.0.1", "PORT=8100"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={k: v for k, v in os.environ.items() if k != "SITE_URL"},
    ).stdout

    commands = [line for line in dry_run.splitlines() if "db_worker" in line or "runserver" in line]
    assert commands
    for command in commands:
        assert "SITE_URL=http://127.0.0.1:8100" in command, command


def test_production_refuses_debug():
    result = _run({**GOOD, "DEBUG": "true"}, "check")

    assert result.returncode != 0
    assert "DEBUG must be off" in result.stderr


def test_a_bad_value_names_the_variable():
    result = _run({"SESSION_IDLE_SECONDS": "soon"}, "check")

    assert result.returncode != 0
    assert "SESSION_IDLE_SECONDS must be a whole number, not 'soon'" in result.stderr


def test_production_with_its_secrets_passes_the_deploy_checks():
    result = _run(GOOD, "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
