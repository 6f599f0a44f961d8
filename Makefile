# The two commands a new user needs: `make demo` and `make test`. Both are safe to run twice.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: demo test lint bench venv browser clean

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

clean:
	rm -rf $(VENV) data build *.egg-info
