"""Production mode refuses to start without its secrets, and passes Django's deploy checks."""

import json
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
    "EMAIL_URL": "smtp+tls://mailer:s3cret%2Fpass@smtp.example.org:587",
    "REDIS_URL": "redis://127.0.0.1:6379/10",
    "SITE_URL": "https://tandem.example.org",
}


def _setting(env_overrides, expression):
    """The value of a settings expression in a fresh process with these variables."""
    result = _run(
        env_overrides,
        "shell",
        "-c",
        f"from django.conf import settings; import json; print(json.dumps({expression}))",
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def _assert_production_refuses(changes, message):
    """``manage.py check`` in production with ``changes`` to GOOD fails, saying ``message``."""
    result = _run({**GOOD, **changes}, "check")
    assert result.returncode != 0
    assert message in result.stderr


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
        ("EMAIL_URL", "EMAIL_URL must name the mail server in production"),
        ("REDIS_URL", "Production needs a cache that every process shares"),
        ("SITE_URL", "SITE_URL must be the site's public address"),
    ],
)
def test_production_refuses_to_start_without_each_secret(missing, message):
    _assert_production_refuses({missing: None}, message)


def test_production_refuses_a_short_secret_key():
    _assert_production_refuses({"SECRET_KEY": "too-short"}, "at least 50 characters")


@pytest.mark.parametrize("key", ["x" * 60, "ab" * 30, "abcdefgh" * 8])
def test_production_refuses_a_secret_key_of_few_different_characters(key):
    _assert_production_refuses({"SECRET_KEY": key}, "SECRET_KEY must be random")


@pytest.mark.parametrize("hosts", ["*", "tandem.example.org,*", "*.example.org"])
def test_production_refuses_a_wildcard_host(hosts):
    _assert_production_refuses(
        {"ALLOWED_HOSTS": hosts}, "ALLOWED_HOSTS must name the site's hosts, not '*'"
    )


@pytest.mark.parametrize(
    ("keys", "position"),
    [
        ("not-a-fernet-key", "key 1"),
        (f"{Fernet.generate_key().decode()},c2hvcnQ=", "key 2"),
    ],
)
def test_a_bad_encryption_key_stops_the_start_naming_the_variable(keys, position):
    for environment in ({}, GOOD):
        result = _run({**environment, "FIELD_ENCRYPTION_KEYS": keys}, "check")

        assert result.returncode != 0
        assert f"FIELD_ENCRYPTION_KEYS: {position} is not a Fernet key" in result.stderr
        assert keys.split(",")[-1] not in result.stderr  # a key is a secret: never echoed


def test_production_refuses_the_local_memory_cache_even_when_asked():
    _assert_production_refuses(
        {"REDIS_URL": None, "CACHE_BACKEND": "local-memory"},
        "Production needs a cache that every process shares",
    )


def test_production_may_choose_the_database_cache_instead_of_redis():
    caches = _setting({**GOOD, "REDIS_URL": None, "CACHE_BACKEND": "database"}, "settings.CACHES")

    assert caches["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"


def test_development_keeps_the_local_memory_cache_and_the_console():
    values = _setting({}, "[settings.CACHES['default']['BACKEND'], settings.EMAIL_BACKEND]")

    assert values == [
        "django.core.cache.backends.locmem.LocMemCache",
        "django.core.mail.backends.console.EmailBackend",
    ]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "smtp+tls://mailer:s3cret%2Fpass@smtp.example.org:587",
            ["smtp.example.org", 587, "mailer", "s3cret/pass", True, False],
        ),
        (
            "smtp+ssl://mailer:pw@smtp.example.org",
            ["smtp.example.org", 465, "mailer", "pw", False, True],
        ),
        ("smtp://relay.internal", ["relay.internal", 25, "", "", False, False]),
    ],
)
def test_email_url_becomes_the_smtp_settings(url, expected):
    values = _setting(
        {**GOOD, "EMAIL_URL": url},
        "[settings.EMAIL_BACKEND, settings.EMAIL_HOST, settings.EMAIL_PORT, "
        "settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD, settings.EMAIL_USE_TLS, "
        "settings.EMAIL_USE_SSL]",
    )

    assert values == ["django.core.mail.backends.smtp.EmailBackend", *expected]


@pytest.mark.parametrize(
    "url", ["smtps+starttls://host", "http://host", "smtp://", "smtp://host:port", "console://"]
)
def test_production_refuses_an_email_url_it_cannot_use(url):
    _assert_production_refuses({"EMAIL_URL": url}, "EMAIL_URL must")


@pytest.mark.parametrize("address", ["http://tandem.example.org", "tandem.example.org", "https://"])
def test_production_refuses_a_site_url_that_is_not_a_public_https_address(address):
    _assert_production_refuses({"SITE_URL": address}, "SITE_URL must be the site's public address")


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
    _assert_production_refuses({"DEBUG": "true"}, "DEBUG must be off")


def test_a_bad_value_names_the_variable():
    result = _run({"SESSION_IDLE_SECONDS": "soon"}, "check")

    assert result.returncode != 0
    assert "SESSION_IDLE_SECONDS must be a whole number, not 'soon'" in result.stderr


def test_production_with_its_secrets_passes_the_deploy_checks():
    result = _run(GOOD, "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
