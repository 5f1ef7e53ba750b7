# `make align` and `make test` each work as the first command on a fresh machine.
PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
DING   := /usr/share/trans/de-en
FREEDICT := /usr/share/dictd
FREEDICT_PKGS := dict-freedict-fra-eng dict-freedict-eng-fra dict-freedict-fra-deu dict-freedict-deu-fra

.PHONY: setup align test test-fast bench bench-quick clean system-deps caches

setup: $(STAMP) system-deps caches

# Reinstall only when the project's metadata changed: a second `make setup` takes well under a second.
$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "installing into $(VENV) (log: $(VENV)/install.log)"
	@($(PY) -m pip install --disable-pip-version-check --upgrade pip && \
	  $(PY) -m pip install --disable-pip-version-check -e '.[test,bench]') > $(VENV)/install.log 2>&1 || \
	  (tail -30 $(VENV)/install.log; exit 1)
	@touch $(STAMP)

# The de-en dictionary (Ding) and the French ones (FreeDict fr-en, en-fr, fr-de, de-fr) are Debian packages;
# install them when we can, and carry on without them when we cannot (the dictionary feature then reports
# itself as unavailable in every signature).
system-deps:
	@if [ ! -f $(DING) ] && command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
		(apt-get install -y -qq trans-de-en >/dev/null 2>&1 || \
		 (apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq trans-de-en >/dev/null 2>&1)) || \
		echo "note: could not install trans-de-en; de-en dictionary features are off"; \
	fi
	@if [ -n "$$(for d in fra-eng eng-fra fra-deu deu-fra; do [ -f $(FREEDICT)/freedict-$$d.dict.dz ] || echo $$d; done)" ] && command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
		(apt-get install -y -qq $(FREEDICT_PKGS) >/dev/null 2>&1 || \
		 (apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq $(FREEDICT_PKGS) >/dev/null 2>&1)) || \
		echo "note: could not install $(FREEDICT_PKGS); French dictionary features are off"; \
	fi

# Dictionaries and the language identifier are unpacked into the user's cache once, at setup, not inside the
# first timed run.
caches: $(STAMP) system-deps
	@$(VENV)/bin/corpus prepare 2>/dev/null || echo "note: could not prepare the caches; the first run builds them"

align: setup
	$(VENV)/bin/corpus build seeds --out output --name valenzuela

test: setup
	$(PY) -m pytest -q

# Without the tests marked slow (over ~3 s) or browser (headless Chromium): the quick check while editing.
test-fast: setup
	$(PY) -m pytest -q -m "not slow and not browser"

bench: setup
	$(PY) -m benchmarks.bench
	$(PY) -m benchmarks.fidelity_fit --report --out output/bench

# The harness on small slices (a minute): what a change to the benchmarks is checked with.
bench-quick: setup
	$(PY) -m benchmarks.bench --quick --out output/bench-quick

clean:
	rm -rf output .pytest_cache
