# Two commands for a fresh machine: `make demo` and `make test`. Everything installs into .venv.
# Python >= 3.12 (Django 6 needs it). PYTHON=... (command line or environment) wins; else the
# first of python3.13, python3.12, python3 on PATH that runs and is new enough (a pyenv shim of a
# version pyenv has not selected does not run); else the newest 3.12+ that pyenv installed.
PY_NEW_ENOUGH := import sys; sys.exit(sys.version_info < (3, 12))
PY_FIND := for p in python3.13 python3.12 python3 \
	    $$(ls -d "$$(pyenv root 2>/dev/null || echo "$${PYENV_ROOT:-$$HOME/.pyenv}")"/versions/3.1[2-9]* \
	       2>/dev/null | sort -rV | sed 's|$$|/bin/python3|'); do \
	  if "$$p" -c '$(PY_NEW_ENOUGH)' >/dev/null 2>&1; then command -v "$$p"; break; fi; \
	done
ifeq ($(origin PYTHON),undefined)
PYTHON := $(shell $(PY_FIND))
endif
PYVERSION := $(if $(PYTHON),$(shell "$(PYTHON)" -c 'import sys; print(".".join(map(str, sys.version_info[:3])))' 2>/dev/null))
VENV := .venv
BIN := $(VENV)/bin
# Named after the interpreter's version: another interpreter means another stamp, and the
# recipe below rebuilds the venv instead of installing over one of another Python.
STAMP := $(VENV)/.installed-py$(PYVERSION)

.PHONY: demo serve seeds-demo chromium screenshots test lint fmt bench install examples clean

$(STAMP): pyproject.toml
	@if [ -z "$(PYVERSION)" ] || ! "$(PYTHON)" -c '$(PY_NEW_ENOUGH)' 2>/dev/null; then \
	  echo "appraise needs Python 3.12 or newer (Django 6), and found none:" \
	    "$(if $(PYTHON),PYTHON=$(PYTHON) is $(or $(PYVERSION),not runnable),no python3.13, python3.12 or python3 >= 3.12 on PATH, none in pyenv)." \
	    "Install one (pyenv install 3.12, or your system's python3.12) or run make PYTHON=/path/to/python3.12" >&2; \
	  exit 1; \
	fi
	@if [ -e $(VENV) ] && [ "$$($(BIN)/python -c 'import sys; print(".".join(map(str, sys.version_info[:3])))' 2>/dev/null)" != "$(PYVERSION)" ]; then \
	  echo "$(VENV) is not of Python $(PYVERSION) ($(PYTHON)): building it again"; rm -rf $(VENV); \
	fi
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# The web application with the demo company (SQLite in ./var), served until Ctrl-C.
# Running it again keeps the database: load_demo only adds what is missing.
# DEBUG on (development settings): never expose it beyond this machine; `make serve` is for that.
demo: export APPRAISE_DEBUG = 1
demo: $(STAMP) pdf-deps
	$(BIN)/python -m appraise.web migrate --noinput -v 0
	$(BIN)/python -m appraise.web load_demo
	@echo ""
	@echo "serving the demo at http://127.0.0.1:8000/ (sign in with a login above; Ctrl-C stops)"
	@# The task worker (imports, computations) beside the server, stopped with it.
	$(BIN)/python -m appraise.web run_tasks -v 0 & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/python -m appraise.web runserver 127.0.0.1:8000 --noreload

# The production profile (docs/deploy.md): DEBUG off, gunicorn's worker processes, static files
# collected and served by WhiteNoise, the task worker beside them. Needs APPRAISE_SECRET_KEY;
# APPRAISE_BIND moves it.
serve: export APPRAISE_START_WORKER ?= 1
serve: $(STAMP) pdf-deps
	$(BIN)/python -m appraise.web migrate --noinput -v 0
	$(BIN)/python -m appraise.web collectstatic --noinput -v 0
	$(BIN)/gunicorn -c python:appraise.web.gunicorn_conf appraise.web.wsgi

# Every seed scheme's worked example scored in the terminal (no web server).
seeds-demo: $(STAMP)
	$(BIN)/python -m appraise.demo

# Debian packages, installed when missing: apt-get as root, else through sudo, else a message.
APT_INSTALL = if ! command -v apt-get >/dev/null 2>&1; then \
	    echo "no apt-get: install $(1) by hand"; \
	  elif [ "$$(id -u)" = 0 ]; then \
	    apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(1); \
	  elif command -v sudo >/dev/null 2>&1; then \
	    sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(1); \
	  else \
	    echo "run as root: apt-get install --no-install-recommends $(1)"; \
	  fi

# The browser tests drive Debian's chromium through Playwright (never `playwright install`).
chromium:
	@if [ ! -x /usr/bin/chromium ]; then $(call APT_INSTALL,chromium); fi

# The PDF 考核表: WeasyPrint lays it out with Debian's pango and embeds a subset of Noto Sans CJK.
.PHONY: pdf-deps
pdf-deps:
	@if ! fc-list "Noto Sans CJK SC" 2>/dev/null | grep -q .; then $(call APT_INSTALL,fonts-noto-cjk); fi
	@if ! ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0; then \
	  $(call APT_INSTALL,libpango-1.0-0 libpangoft2-1.0-0); fi

# Screenshots of the main pages for docs/web.md (Chinese text needs a CJK font).
screenshots: $(STAMP) chromium
	@if ! fc-list :lang=zh 2>/dev/null | grep -q .; then $(call APT_INSTALL,fonts-noto-cjk); fi
	$(BIN)/python docs/screenshots/take.py

test: $(STAMP) chromium pdf-deps
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/python -m appraise.schemes.jsonschema --check
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

fmt: $(STAMP)
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

# Every figure the issues ask for. IMPORT_SIZES: agent counts of the import / plain-load ratio
# (the 1,000-agent month takes minutes per run on a shared 2-core machine: IMPORT_SIZES=100,300
# leaves it out); DASHBOARD_ARGS: the cycle bench/dashboard.py builds (400 teams x 25 = 10,000
# agents); SCORING_BASELINE: a source tree (holding appraise/) to measure load and scoring
# against, in turns in the same run (e.g. `git archive main src | tar -x -C /tmp/main`, then
# /tmp/main/src).
IMPORT_SIZES ?= 100,300,1000
DASHBOARD_ARGS ?= --teams 400 --per-team 25
SCORING_BASELINE ?=
bench: $(STAMP)
	$(BIN)/python bench/metrics.py --sizes $(IMPORT_SIZES)
	$(BIN)/python bench/metrics.py --append --agents 100 --days 31
	$(BIN)/python bench/scoring.py --repeat 3
	$(if $(SCORING_BASELINE),$(BIN)/python bench/scoring.py --baseline $(SCORING_BASELINE))
	$(BIN)/python bench/dashboard.py $(DASHBOARD_ARGS)
	$(BIN)/python bench/metrics.py
	$(BIN)/python bench/documents.py

# Re-write schemes/seeds/examples/*/expected.json from the engine (review the diff!).
examples: $(STAMP)
	$(BIN)/python -m appraise.seeds --write

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
