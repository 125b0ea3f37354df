"""The container recipe in deploy/ names only commands and settings that exist, documented.

Containers cannot be built where the tests run, so this reads deploy/compose.yaml, the
Dockerfile, the Caddyfile, the scheduler script and .env.example, and checks each command
against Django's command parsers and each variable against the code and
docs/configuration.md.
"""

from __future__ import annotations

import importlib.util
import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import get_commands, load_command_class

ROOT = Path(__file__).resolve().parents[3]
DEPLOY = ROOT / "deploy"
COMPOSE = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
TANDEM_SERVICES = {
    name: service
    for name, service in COMPOSE["services"].items()
    if service.get("image", "").startswith("tandem")
}
# Variables only the containers read: compose.yaml builds DATABASE_URL from the password,
# the Caddyfile reads the host and the ACME email, gunicorn.conf.py its sizes.
CONTAINER_VARIABLES = {
    "POSTGRES_PASSWORD",
    "TANDEM_HOST",
    "ACME_EMAIL",
    "GUNICORN_WORKERS",
    "GUNICORN_THREADS",
    "GUNICORN_BIND",
    "FORWARDED_ALLOW_IPS",
}


def _settings_variables() -> set[str]:
    source = (ROOT / "tandem" / "settings.py").read_text()
    return set(re.findall(r'env_\w+\(\s*"([A-Z][A-Z0-9_]+)"', source))


def _code_variables() -> set[str]:
    """Every variable Tandem's code or its server configuration reads."""
    gunicorn = (DEPLOY / "gunicorn.conf.py").read_text()
    metrics = (ROOT / "tandem" / "lib" / "metrics.py").read_text()
    return (
        _settings_variables()
        | set(re.findall(r'os\.environ(?:\.get)?[\(\[]"([A-Z_]+)"', gunicorn))
        | set(re.findall(r'os\.environ(?:\.get)?[\(\[]"([A-Z_]+)"', metrics))
    )


def _example_variables() -> set[str]:
    text = (DEPLOY / ".env.example").read_text()
    return set(re.findall(r"^#?([A-Z][A-Z0-9_]+)=", text, flags=re.MULTILINE))


def _compose_variables() -> set[str]:
    names: set[str] = set()
    for service in TANDEM_SERVICES.values():
        names |= set(service.get("environment", {}))
    text = (DEPLOY / "compose.yaml").read_text()
    names |= set(re.findall(r"\$\{([A-Z][A-Z0-9_]+)", text))
    names |= set(re.findall(r"\{\$([A-Z][A-Z0-9_]+)\}", (DEPLOY / "Caddyfile").read_text()))
    return names


def _documented() -> set[str]:
    text = (ROOT / "docs" / "configuration.md").read_text()
    return set(re.findall(r"`([A-Z][A-Z0-9_]+)`", text))


@pytest.fixture(autouse=True)
def _database_tasks(settings: Any) -> None:
    # As in production: db_worker and prune_db_task_results accept only a database backend.
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "email"]}
    }


def _check_manage_command(args: list[str]) -> None:
    assert args[:2] == ["python", "manage.py"], args
    name = args[2]
    commands = get_commands()
    assert name in commands, f"no management command {name!r}"
    command = load_command_class(commands[name], name)
    # The command's own parser refuses an option it does not have.
    command.create_parser("manage.py", name).parse_args(args[3:])


def test_the_compose_file_has_the_production_services() -> None:
    assert set(COMPOSE["services"]) >= {"db", "redis", "web", "worker", "caddy", "migrate"}
    assert COMPOSE["services"]["web"]["command"][:2] == ["gunicorn", "tandem.wsgi"]
    assert COMPOSE["services"]["worker"]["command"][:3] == ["python", "manage.py", "db_worker"]
    assert COMPOSE["services"]["caddy"]["ports"][1].startswith("443")


@pytest.mark.parametrize("service", sorted(TANDEM_SERVICES))
def test_every_command_of_a_tandem_service_exists(service: str) -> None:
    args = TANDEM_SERVICES[service]["command"]
    if args[0] == "gunicorn":
        module, _, config = args[1], args[2], args[3]
        assert importlib.util.find_spec(module) is not None
        assert (ROOT / config).is_file()
    elif args[0] == "sh":
        script = (ROOT / args[1]).read_text()
        lines = [line.strip() for line in script.splitlines() if "manage.py" in line]
        assert lines, "the scheduler runs no command"
        for line in lines:
            call = line[line.index("python manage.py") :].split(";")[0]
            _check_manage_command(shlex.split(call))
    else:
        _check_manage_command(args)


def test_the_scheduler_runs_every_periodic_command_the_docs_list() -> None:
    documented = set(
        re.findall(r"`manage\.py (\w+)", (ROOT / "docs" / "deployment.md").read_text())
    )
    scheduled = set(re.findall(r"manage\.py (\w+)", (DEPLOY / "scheduler.sh").read_text()))
    assert scheduled <= documented
    assert {"requeue_stalled_tasks", "send_due_reminders", "refresh_soonest_slots"} <= scheduled


def test_every_variable_compose_or_the_example_names_is_read_by_the_code() -> None:
    read = _code_variables() | CONTAINER_VARIABLES
    named = _compose_variables() | _example_variables()

    assert named - read == set()


def test_the_example_lists_every_variable_the_settings_read() -> None:
    assert _settings_variables() - _example_variables() == set()


def test_every_variable_is_documented_in_the_configuration_guide() -> None:
    named = _compose_variables() | _example_variables() | _settings_variables()

    assert named - _documented() == set()


def _stages(dockerfile: str) -> list[str]:
    return re.split(r"^FROM ", dockerfile, flags=re.MULTILINE)[1:]


def test_the_image_is_multi_stage_pinned_and_runs_as_a_user_without_privileges() -> None:
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    stages = _stages(dockerfile)
    assert len(stages) >= 2
    for stage in stages:
        image = stage.split()[0]
        tag = image.partition(":")[2]
        assert re.match(r"^\d+\.\d+\.\d+", tag), f"{image} is not pinned to a version"
    final = stages[-1]
    user = re.findall(r"^USER (\S+)", final, flags=re.MULTILINE)
    assert user and not user[-1].startswith(("root", "0"))
    assert "collectstatic" in stages[0]
    assert "requirements-dev" not in dockerfile.replace("requirements-dev.txt (", "")
    assert "pip install --no-compile -r /tmp/requirements.txt" in stages[0]


def test_the_images_of_the_other_services_are_pinned() -> None:
    for name, service in COMPOSE["services"].items():
        image: Any = service.get("image", "")
        if name in TANDEM_SERVICES:
            continue
        assert re.search(r":\d+\.\d+", image), f"{name} uses {image!r}"


def test_the_proxy_sends_requests_to_the_port_gunicorn_listens_on() -> None:
    caddyfile = (DEPLOY / "Caddyfile").read_text()
    gunicorn = (DEPLOY / "gunicorn.conf.py").read_text()

    assert "dynamic a web 8000" in caddyfile
    assert '"0.0.0.0:8000"' in gunicorn
    # Caddy must not write access logs: paths carry tokens.
    assert not re.search(r"^\s*log\b", caddyfile, flags=re.MULTILINE)
