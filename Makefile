# The two commands a new user needs: `make demo` and `make test`. Both are safe to run twice.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: demo test lint bench venv browser clean distclean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	@touch $(STAMP)

venv: $(STAMP)

# Debian's chromium for the browser tests; best effort (they skip with a reason without it).
browser:
	@bash scripts/ensure-chromium

demo: $(STAMP)
	$(BIN)/tracuu demo

test: $(STAMP) browser
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q -ra

bench: $(STAMP)
	$(BIN)/python bench/relevance.py
	$(BIN)/python bench/index_speed.py
	$(BIN)/python bench/query_speed.py

# Build outputs only. data/ holds the archive, the source of truth, and is never touched here:
# delete what you mean to delete by hand (data/index* and data/segments.sqlite3 can be rebuilt).
clean:
	rm -rf build dist *.egg-info .pytest_cache .ruff_cache
	find . -path ./.venv -prune -o -path ./data -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

# clean, and the virtualenv too (the next `make demo` or `make test` reinstalls it)
distclean: clean
	rm -rf $(VENV)
