# The one place set-up lives. `make build` then `make test` on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DBT := $(BIN)/dbt
STAMP := $(VENV)/.installed
DEMO := data/demo/customers.csv

.PHONY: build install demo dbt-build reports report-pdf docs test lint clean

build: install demo dbt-build reports

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

# The reports (reports/*.ipynb) executed read-only against $SEGMENTS_DB and rendered to reports/html/.
reports: install
	$(BIN)/python reports/render.py html

# The printed report: reports/pdf/segmentation_report.pdf (cover page, at most 15 pages) via headless Chromium.
report-pdf: install
	$(BIN)/python reports/render.py pdf

docs: install
	$(DBT) docs generate

lint: install
	$(BIN)/ruff check segwarehouse models_py tests reports
	$(BIN)/ruff format --check segwarehouse models_py tests reports

test: install lint
	$(BIN)/pytest -q

clean:
	rm -rf target logs exports warehouse/*.duckdb* data/demo reports/html reports/pdf
