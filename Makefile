# `make run` sets up .venv and starts the app; `make test` sets up .venv and runs the whole suite.
# Both install from requirements.lock: every package pinned, every download checked against its hashes.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
LOCK := requirements.lock
SBOM := dist/champion-desk.cdx.json

.PHONY: run test perf bundle sbom lock clean

# Re-installs when the lock changes as well as pyproject.toml (a relock after a pull must reach .venv).
# pip's hash-checking mode refuses any download whose sha256 is not in the lock and any package the
# lock does not pin, so the lock is complete or the install fails. The lock pins pip and setuptools
# too: the project itself is then installed with no download at all (no build isolation, no deps),
# and `pip check` proves the locked set meets pyproject's ranges.
$(STAMP): pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r $(LOCK)
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	$(PY) -m pip check
	touch $(STAMP)

run: $(STAMP)
	$(PY) -m champion_desk

test: $(STAMP)
	$(PY) -m pytest -q

perf: $(STAMP)
	$(PY) tests/perf/run.py

clean:
	rm -rf build dist .pytest_cache

# Every build writes the bundle's bill of materials beside it (build.spec), so the SBOM always
# describes the folder it was built with.
bundle: $(STAMP)
	$(PY) -m PyInstaller --noconfirm --clean build.spec
	@du -sh dist/champion-desk

$(SBOM): $(STAMP) build.spec $(shell find champion_desk resources -type f ! -name '*.pyc')
	$(MAKE) bundle

# The CycloneDX SBOM of the bundle, building the bundle first if it is missing or older than its sources.
sbom: $(SBOM)
	@$(PY) -c 'import json, sys; print(sys.argv[1] + ":", len(json.load(open(sys.argv[1]))["components"]), "components")' \
	  $(SBOM)

# For developers: pin pyproject's runtime, test and bundle dependencies, and its build backend, for
# every platform and Python the project supports (--universal: the ward PCs run Windows, CI Linux),
# with the hashes of every file of each pinned version. uv is used only here; installing needs just pip.
lock:
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet 'uv>=0.13,<0.14'
	$(PY) -c "import tomllib; print(*tomllib.load(open('pyproject.toml', 'rb'))['build-system']['requires'], sep='\n')" \
	  | $(VENV)/bin/uv pip compile --quiet --universal --generate-hashes --python-version 3.11 \
	      --extra test --extra bundle --custom-compile-command 'make lock' --output-file $(LOCK) pyproject.toml -
