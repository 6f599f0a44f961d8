# The two commands a new user needs: `make demo` and `make test`. Both are safe to run twice.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: demo test lint bench venv system-packages clean distclean opensearch opensearch-build

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	@touch $(STAMP)

venv: $(STAMP)

# Debian programs the tests use (chromium, antiword, catdoc, pdftoppm, Tesseract with Vietnamese, LibreOffice
# Writer, DejaVu fonts); best effort: tests whose program is missing skip with a reason.
system-packages:
	@bash scripts/ensure-debian-packages

demo: $(STAMP)
	$(BIN)/tracuu demo

# A local OpenSearch cluster on 127.0.0.1 from Maven Central jars (settings: scripts/opensearch/run); Ctrl-C stops it.
opensearch:
	bash scripts/opensearch/run

# Resolves the cluster's jars and compiles its runner once, so the tests that start a cluster do not wait on
# the download; nothing to do when already built. Without a JDK and Maven those tests skip, and so does this.
opensearch-build:
	@if command -v java >/dev/null && command -v mvn >/dev/null; then bash scripts/opensearch/run --build; \
	else echo "opensearch-build: no java or mvn on PATH; the OpenSearch tests will skip"; fi

test: $(STAMP) system-packages opensearch-build
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
