# Grassroots — the README's commands. Needs only Python 3.11+ on the machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
export DJANGO_SETTINGS_MODULE ?= grassroots.settings.local

.PHONY: run test test-only bench lint setup browser demo messages clean-db

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

setup: $(STAMP) browser

# The browser tests drive Debian's chromium (Playwright never downloads a browser).
browser:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get install -y --no-install-recommends chromium; \
	else echo "note: /usr/bin/chromium is missing; as root: apt-get install -y chromium" \
		"(tests/web/test_browser.py fails without it)"; fi

demo: setup
	$(BIN)/grassroots migrate --noinput
	$(BIN)/grassroots load-demo

run: demo
	$(BIN)/grassroots collectstatic --noinput --verbosity 0
	$(BIN)/grassroots serve

test: setup test-only

test-only:
	DJANGO_SETTINGS_MODULE=grassroots.settings.test $(BIN)/pytest

bench: setup
	$(BIN)/python -m pip install --quiet -e ".[dev,bench]"
	@set -e; for f in bench/*.py; do echo "== $$f"; $(BIN)/python $$f; done

lint: setup
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy src

messages: setup
	cd src/grassroots && ../../$(BIN)/grassroots makemessages -l zh_Hans -l en --no-obsolete
	cd src/grassroots && ../../$(BIN)/grassroots compilemessages

clean-db:
	rm -f var/grassroots.sqlite3 var/grassroots.sqlite3-wal var/grassroots.sqlite3-shm
