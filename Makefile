# Tandem's two commands: `make run` and `make test`. Both work on a fresh clone with Python 3.11+.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint typecheck contracts pytest migrate demo worker bench clean prod-smoke

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Stamps so a second `make` installs nothing unless a requirements file changed.
$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

migrate: $(VENV)/.runtime
	$(BIN)/python manage.py migrate --no-input

demo: migrate
	$(BIN)/python manage.py seed_demo

# Serves Tandem at http://$(HOST):$(PORT) with its background worker beside it; Ctrl-C stops both.
run: demo
	@echo "Tandem: http://$(HOST):$(PORT)  (Ctrl-C stops the site and its worker)"
	@trap 'kill 0' INT TERM EXIT; \
	$(BIN)/python manage.py db_worker --queue-name '*' & \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

worker: migrate
	$(BIN)/python manage.py db_worker --queue-name '*'

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.dev
	$(BIN)/mypy .

# The architecture's rules (layers, no cycles, no other app's views): see .importlinter.
contracts: $(VENV)/.dev
	$(BIN)/lint-imports

pytest: $(VENV)/.dev
	$(BIN)/python -m pytest

test: lint typecheck contracts pytest

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache staticfiles

# The production stack rehearsed without containers: its own PostgreSQL cluster, Redis, two
# gunicorn servers and two workers, and the six proofs of deploy/prod_smoke.py.
prod-smoke: $(VENV)/.dev
	$(BIN)/python deploy/prod_smoke.py
