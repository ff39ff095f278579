# Two commands matter: `make demo` and `make test`. Both create or reuse .venv.
#
# The whole dependency set is pinned in uv.lock (every distribution, with hashes). `uv` itself is
# installed from the package index at a pinned version into .uv/, then `uv sync --locked` builds
# .venv from the lock. `make lock` re-resolves after pyproject.toml changes; see
# docs/operations.md "Dependencies" for upgrading one pin.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9
UV := .uv/bin/uv
# uv uses this interpreter (never downloads one) and the same CA bundle as pip on this machine.
export UV_PYTHON := $(shell command -v $(PYTHON))
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
# Installed packages ship compiled bytecode: where PYTHONDONTWRITEBYTECODE is set (as on some
# hosts) nothing would ever cache it, and every command would compile its imports again (~0.3 s).
export UV_COMPILE_BYTECODE := 1
# The stamp is keyed on the lock, so the venv is reused until the pinned set changes.
STAMP := $(VENV)/.installed-$(shell cat uv.lock pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: demo test dev bench chaos lint lock clean

$(UV):
	$(PYTHON) -m pip install -qq --disable-pip-version-check --root-user-action=ignore --target .uv 'uv==$(UV_VERSION)'

$(STAMP): uv.lock pyproject.toml | $(UV)
	$(UV) sync --quiet --locked --extra dev
	@rm -f $(VENV)/.installed-*
	@touch $@

demo: $(STAMP)
	$(BIN)/threadline demo

# The suite runs on every core (pytest-xdist): each test starts its own sandbox on free ports and
# writes its own temporary warehouse, so the tests share nothing.
test: $(STAMP)
	$(BIN)/python -m pytest -q -n auto

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Re-resolve uv.lock after editing pyproject.toml (new dependency, changed range).
lock: | $(UV)
	$(UV) lock

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
	rm -rf $(VENV) .uv threadline.duckdb out .dagster_home .pytest_cache
