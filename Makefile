# Set-up and everyday commands. `make serve` and `make test` work on a fresh machine.
VENV ?= .venv
PYTHON ?= python3
HOST ?= 127.0.0.1
PORT ?= 5000
BIN := $(VENV)/bin

.PHONY: serve test setup system-deps lint build validate bench bench-scale screenshots wheel clean

serve: setup ## Serve the bundled data at http://$(HOST):$(PORT)
	$(BIN)/mapapp serve --host $(HOST) --port $(PORT)

test: lint system-deps ## Lint and type-check, then run the whole test suite, browser tests included
	$(BIN)/python -m pytest

setup: $(BIN)/.installed node_modules/.installed

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

system-deps: ## Debian packages the tests drive: chromium (browser tests), gdal-bin (ogrinfo), QGIS (python3-qgis: the OAPIF client test)
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v ogrinfo >/dev/null || missing="$$missing gdal-bin"; \
	if [ -n "$$missing" ]; then \
	  sudo=""; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	  $$sudo apt-get update -qq && $$sudo apt-get install -y -qq $$missing; \
	fi
	@if ! QT_QPA_PLATFORM=offscreen /usr/bin/python3 -c 'import qgis.core' 2>/dev/null; then \
	  sudo=""; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	  $$sudo apt-get update -qq && \
	  $$sudo apt-get install -y -qq --no-install-recommends python3-qgis qgis-providers; \
	fi

lint: setup ## ruff check, ruff format --check and mypy (configured in pyproject.toml)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

build: setup ## Regenerate the GeoJSON partitions of geodata/ from the articles, gazetteer and curation file
	$(BIN)/mapapp build

validate: setup
	$(BIN)/mapapp validate

screenshots: setup system-deps ## Refresh the README screenshots in docs/
	MAPAPP_UPDATE_SCREENSHOTS=1 $(BIN)/python -m pytest -m browser -k "screenshot or test_layouts"

bench: setup ## Run the benchmarks (results: benchmarks/README.md); the OGC one needs ~4 GB and minutes
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python benchmarks/bench_geoparse.py
	$(BIN)/python benchmarks/bench_mappage.py
	$(BIN)/python benchmarks/bench_ogc.py

bench-scale: setup system-deps ## Generate archives of 1k, 10k and 100k events and measure them (minutes; add 1m by hand)
	$(BIN)/python benchmarks/bench_scale.py --sizes 1k,10k,100k

wheel: setup ## Build dist/mapapp-*.whl: the package with its templates and Leaflet (npm ci first)
	rm -rf dist
	$(BIN)/pip wheel --quiet --no-deps --no-build-isolation -w dist .

clean:
	rm -rf $(VENV) node_modules .pytest_cache .mypy_cache test-artifacts dist
