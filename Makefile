# Fieldline's two entry points: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: run test lint chromium catalogs
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# The virtualenv is rebuilt whenever pyproject.toml changes.
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# Browser libraries (Leaflet) from the npm registry, pinned by pwa/package-lock.json. They ship
# built files: no package's install script runs (swagger-ui-dist's @scarf/scarf would report the
# install to its vendor, and npm warns about it on every fresh `make run`).
pwa/node_modules/.installed: pwa/package.json pwa/package-lock.json
	cd pwa && npm ci --no-audit --no-fund --ignore-scripts
	touch $@

# Translations: the gettext catalogs compiled from pwa/locale/*/LC_MESSAGES/*.po (messages.po
# and one catalog per domain beside it).
catalogs: $(VENV)/.installed
	for domain in $$(ls pwa/locale/*/LC_MESSAGES/*.po | xargs -n1 basename | sed 's/\.po$$//' | sort -u); do \
	  $(BIN)/pybabel compile --use-fuzzy -d pwa/locale -D $$domain --statistics || exit 1; done

run: $(VENV)/.installed pwa/node_modules/.installed catalogs
	$(BIN)/fieldline serve --demo --host 127.0.0.1 --port $(PORT)

lint: $(VENV)/.installed pwa/node_modules/.installed catalogs
	$(BIN)/ruff check .
	$(BIN)/mypy backend dispatch

# The browser tests drive Debian's Chromium (never a downloaded browser).
chromium:
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium fonts-wqy-microhei; }

test: lint chromium
	$(BIN)/pytest
