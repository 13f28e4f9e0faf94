# The two commands a newcomer needs: `make run` and `make test`. Everything else supports them.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
DB     ?= data/symbiosis.db
HOST   ?= 127.0.0.1
PORT   ?= 8501
SAMPLE := $(wildcard data/sample/*.csv)

.PHONY: install run db test lint bench sample screenshots clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev,dask]"
	touch $(STAMP)

install: $(STAMP)

# The embedded SQLite registry, built from the bundled sample region when absent.
$(DB): $(SAMPLE) | $(STAMP)
	$(BIN)/symbiosis init --db $(DB) --sample

db: $(DB)

run: $(STAMP) $(DB)
	SYMBIOSIS_DB=$(DB) $(BIN)/streamlit run app.py \
		--server.address $(HOST) --server.port $(PORT) --server.headless true \
		--browser.gatherUsageStats false

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy

# .test-services.env (written by scripts/test-services.sh) points the suite at PostgreSQL and Chromium.
# One pytest worker per core (at most 4), a test file per worker so that module fixtures (the corpus
# evaluation, the app server) are built once; `make test PYTEST_PARALLEL=` runs it in one process.
# lint-imports checks the layer contracts of pyproject.toml (docs/architecture.md).
PYTEST_PARALLEL ?= -n auto --maxprocesses=4 --dist loadfile
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy
	set -a; [ ! -f .test-services.env ] || . ./.test-services.env; set +a; \
		$(BIN)/python -m pytest -q $(PYTEST_PARALLEL)

# Refresh the README's screenshots (docs/screenshots/) from the end-to-end browser tests.
screenshots: $(STAMP)
	set -a; [ ! -f .test-services.env ] || . ./.test-services.env; set +a; \
		SYMBIOSIS_WRITE_SCREENSHOTS=1 $(BIN)/python -m pytest -q tests/e2e

bench: $(STAMP)
	$(BIN)/python -m benchmarks

# Regenerate the committed sample region (seeded, reproducible).
sample: $(STAMP)
	$(BIN)/symbiosis sample --out data/sample

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis $(DB) $(DB)-wal $(DB)-shm
