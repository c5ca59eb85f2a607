# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: install run build serve test test-fast lint bench clean

$(STAMP): pyproject.toml
	@command -v java >/dev/null || echo "note: java not found; the OWL consistency check needs it (apt-get install default-jre-headless)"
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

build: install
	$(BIN)/uikg build

serve: install
	$(BIN)/uikg serve --host $(HOST) --port $(PORT)

run: build serve

test: install
	$(BIN)/pytest $(PYTEST_ARGS)

test-fast: install
	$(BIN)/pytest -m "not slow" $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check graph api tests bench
	$(BIN)/ruff format --check graph api tests bench

bench: install
	$(BIN)/python -m bench $(BENCH_ARGS)
	$(BIN)/python -m bench.validate_latency

clean:
	rm -rf var build dist .pytest_cache test-output
