# The one place set-up lives. `make build` then `make test` on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DBT := $(BIN)/dbt
STAMP := $(VENV)/.installed
DEMO := data/demo/customers.csv

.PHONY: build install demo dbt-build docs test lint clean

build: install demo dbt-build

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

$(DEMO): | $(STAMP)
	$(BIN)/python -m segwarehouse demo --out data/demo

demo: $(DEMO)

dbt-build: install demo
	mkdir -p warehouse
	$(DBT) build

docs: install
	$(DBT) docs generate

lint: install
	$(BIN)/ruff check segwarehouse models_py tests
	$(BIN)/ruff format --check segwarehouse models_py tests

test: install lint
	$(BIN)/pytest -q

clean:
	rm -rf target logs exports warehouse/*.duckdb data/demo
