# The first two targets are the README's first two commands: they work on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: demo test bench lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $@ $(VENV)/.installed

# Debian's Chromium for the browser tests (tests/web/test_browser.py): nothing is downloaded
# at test time. Installed with apt-get when missing, through sudo unless already root.
CHROMIUM := /usr/bin/chromium
$(CHROMIUM):
	@sudo=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	$$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium || \
	{ $$sudo apt-get update -q && $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; }

demo: $(VENV)/.installed
	$(BIN)/enduse demo --serve

test: $(VENV)/.installed-test | $(CHROMIUM)
	$(BIN)/python -m pytest

bench: $(VENV)/.installed-test
	@for f in bench/*.py; do $(BIN)/python $$f || exit 1; done

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info .pytest_cache .ruff_cache
