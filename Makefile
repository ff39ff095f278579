# Two commands matter: `make demo` and `make test`. Both create or reuse .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The stamp is keyed on pyproject.toml, so the venv is reused until dependencies change.
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: demo test dev bench chaos lint clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@rm -f $(VENV)/.installed-*
	@touch $@

demo: $(STAMP)
	$(BIN)/threadline demo

test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .

# The Dagster UI on the example configuration, pointed at a sandbox started beside it.
dev: $(STAMP)
	@bash scripts/dev.sh

bench: $(STAMP)
	$(BIN)/python -m bench $(BENCH_ARGS)

# kill -9 trials, a fault storm, the bad-input catalogue and a secrets canary (~10 min; not tests).
# Fewer kills: make chaos CHAOS_KILLS=10
chaos: $(STAMP)
	CHAOS_KILLS=$(or $(CHAOS_KILLS),50) $(BIN)/python -m chaos

clean:
	rm -rf $(VENV) threadline.duckdb out .dagster_home .pytest_cache
