# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: install assets test-deps run build serve test test-fast lint fuzz soak bench clean

$(STAMP): pyproject.toml
	@command -v java >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  echo "installing a Java runtime for the OWL reasoner" && apt-get update -qq && apt-get install -y -qq default-jre-headless >/dev/null; } || \
	  echo "WARNING: java not found: builds will skip the OWL consistency check (apt-get install default-jre-headless)"
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $@

# The web interface's JavaScript packages (pinned in web/package-lock.json; never vendored).
ASSETS := web/node_modules/.package-lock.json
$(ASSETS): web/package-lock.json
	@if command -v npm >/dev/null; then \
	  cd web && npm ci --no-audit --no-fund && touch node_modules/.package-lock.json; \
	else \
	  echo "note: npm not found; the web pages work without the JS workbench"; \
	fi

assets: $(ASSETS)

# Comunica 4 for the traversal-client tests (pinned in tests/comunica/package-lock.json).
COMUNICA := tests/comunica/node_modules/.package-lock.json
$(COMUNICA): tests/comunica/package-lock.json
	@if command -v npm >/dev/null; then \
	  cd tests/comunica && npm ci --no-audit --no-fund && touch node_modules/.package-lock.json; \
	else \
	  echo "note: npm not found; the Comunica tests will skip (apt-get install nodejs npm)"; \
	fi

test-deps: $(COMUNICA)

install: $(STAMP) assets

# The source texts, when they are beside the checkout: the build then verifies every quote.
SOURCES ?= ../shared/sources

build: install
	$(BIN)/uikg build $(if $(wildcard $(SOURCES)),--sources $(SOURCES))

serve: install
	$(BIN)/uikg serve --host $(HOST) --port $(PORT)

run: build serve

test: install test-deps
	$(BIN)/pytest $(PYTEST_ARGS)

# First feedback in under a minute: no servers, no browser, no Java (CI runs everything).
test-fast: install
	$(BIN)/pytest -m "not slow and not server and not reasoner" $(PYTEST_ARGS)

# mypy reads the uikg package through a tree of links (graph/ is uikg.graph, api/ is uikg.api),
# as the wheel lays it out: the editable install's import hook is invisible to it.
TYPECHECK := build/typecheck
lint: install
	$(BIN)/ruff check graph api tests bench
	$(BIN)/ruff format --check graph api tests bench
	mkdir -p $(TYPECHECK)/uikg
	ln -sfn $(CURDIR)/graph $(TYPECHECK)/uikg/graph
	ln -sfn $(CURDIR)/api $(TYPECHECK)/uikg/api
	MYPYPATH=$(TYPECHECK) $(BIN)/mypy -p uikg.graph -p uikg.api

# The longer fuzz: schemathesis over every operation and the hypothesis properties, then figures.
fuzz: install
	UIKG_FUZZ_EXAMPLES=$${UIKG_FUZZ_EXAMPLES:-40} UIKG_PROPERTY_EXAMPLES=$${UIKG_PROPERTY_EXAMPLES:-3000} \
	  $(BIN)/pytest -p no:randomly -q tests/api/test_fuzz.py tests/graph/test_properties.py $(PYTEST_ARGS); \
	  status=$$?; $(BIN)/python -c 'import json,pathlib; [print(p.name, json.dumps(json.loads(p.read_text()))) for p in sorted(pathlib.Path("test-output").glob("fuzz-*.json"))]'; exit $$status

soak: install
	$(BIN)/python -m bench.soak $(SOAK_ARGS)

bench: install
	$(BIN)/python -m bench $(BENCH_ARGS)
	$(BIN)/python -m bench.validate_latency
	$(BIN)/python -m bench.conditional
	$(BIN)/python -m bench.freshness

clean:
	rm -rf var build dist .pytest_cache test-output
