# `make run` sets up .venv and starts the app; `make test` sets up .venv and runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test perf bundle clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(PY) -m champion_desk

test: $(STAMP)
	$(PY) -m pytest -q

perf: $(STAMP)
	$(PY) tests/perf/run.py

clean:
	rm -rf build dist .pytest_cache

bundle: $(STAMP)
	$(PY) -m pip install --quiet -e '.[bundle]'
	$(PY) -m PyInstaller --noconfirm --clean build.spec
	@du -sh dist/champion-desk
