# The one place set-up lives. `make build` then `make test` on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DBT := $(BIN)/dbt
STAMP := $(VENV)/.installed
DEMO := data/demo/customers.csv

# Benchmark sizes: customers (build and notebook recipe) and events (events to features), e.g.
# `make bench SIZES="100k 1m" EVENTS=`. Generated inputs are kept in BENCH_DIR and reused.
SIZES ?= 20k 100k 1m 10m
EVENTS ?= 5m 50m
BENCH_DIR ?= /tmp/segwarehouse-bench

.PHONY: build install demo dbt-build reports report-pdf docs test lint bench quality clean spark-install spark-java test-spark

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

# The feature documentation generated from the catalogue, then dbt's documentation site.
docs: install
	$(BIN)/python -m segwarehouse feature-docs
	$(DBT) docs generate

lint: install
	$(BIN)/ruff check segwarehouse models_py tests reports
	$(BIN)/ruff format --check segwarehouse models_py tests reports

test: install lint
	$(BIN)/pytest -q

# Prints the table, appends it to benchmarks/results.csv and writes benchmarks/latest.md (see README).
bench: install
	$(BIN)/python -m segwarehouse.bench --sizes $(SIZES) --events $(EVENTS) \
		--data-dir $(BENCH_DIR)/data --work-dir $(BENCH_DIR)/work

# The quality panel (docs/quality.md): builds the warehouse on data sets with known segments and compares,
# e.g. `make quality QUALITY_SIZE=5k QUALITY_ONLY='table_* shop_T'`. Data kept in QUALITY_DIR and reused.
QUALITY_SIZE ?= 20k
QUALITY_JOBS ?= 2
QUALITY_DIR ?= /tmp/segwarehouse-quality
quality: install
	$(BIN)/python -m segwarehouse.quality --size $(QUALITY_SIZE) --jobs $(QUALITY_JOBS) \
		--data-dir $(QUALITY_DIR)/data --work-dir $(QUALITY_DIR)/work $(if $(QUALITY_ONLY),--only $(QUALITY_ONLY))

# The same project on Apache Spark (dbt-spark on a local Spark session; see docs/scale-out.md): a separate
# venv .venv-spark, then e.g. `.venv-spark/bin/dbt build --target spark`. Spark 4 runs on Java 17, which is
# installed from Debian's packages (openjdk-17-jre-headless) when missing and make runs as root.
SPARK_VENV := .venv-spark
SPARK_STAMP := $(SPARK_VENV)/.installed
JAVA = $(if $(JAVA_HOME),$(JAVA_HOME)/bin/java,java)
JAVA_17 = $(JAVA) -version 2>&1 | grep -Eq 'version "(17|21)[.]'

spark-install: spark-java $(SPARK_STAMP)

$(SPARK_STAMP): requirements.txt requirements-spark.txt pyproject.toml
	$(PYTHON) -m venv $(SPARK_VENV)
	$(SPARK_VENV)/bin/pip install --quiet --upgrade pip
	$(SPARK_VENV)/bin/pip install --quiet -r requirements-spark.txt
	$(SPARK_VENV)/bin/pip install --quiet --no-deps -e .
	touch $(SPARK_STAMP)

spark-java:
	@if ! $(JAVA_17) && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Java 17 not found: installing openjdk-17-jre-headless"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null; \
	fi
	@$(JAVA_17) || { echo "error: Spark needs Java 17 (or 21): '$(JAVA) -version' does not report it." \
		"Install openjdk-17-jre-headless (apt-get install openjdk-17-jre-headless) or point JAVA_HOME at a Java 17."; \
		exit 1; }

# The Spark tests (marker spark, tests/spark): the Python models on a local Spark session through
# segwarehouse.spark_dbt, and the demo built on Spark compared with its DuckDB build (see docs/scale-out.md).
test-spark: spark-install
	$(SPARK_VENV)/bin/pytest -q -m spark tests/spark

clean:
	rm -rf target logs exports warehouse/*.duckdb* data/demo reports/html reports/pdf
