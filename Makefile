# petitionflow: `make run` to try it, `make test` to check it. Both set up .venv on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: install run test lint typecheck unit clean js browser doctools e2e soak bench

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

# The browser libraries (bpmn-js, form-js) come from npm with the lock file; `npm ci` runs again
# only when package-lock.json changed or node_modules is gone, then their prebuilt dist files are
# copied into the git-ignored static vendor folder the pages load them from.
NODE_STAMP := node_modules/.petitionflow-stamp
VENDOR     := service/web/static/vendor
VENDOR_STAMP := $(VENDOR)/.stamp

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $(NODE_STAMP)

$(VENDOR_STAMP): $(NODE_STAMP)
	rm -rf $(VENDOR)
	mkdir -p $(VENDOR)/bpmn-js $(VENDOR)/form-js
	cp node_modules/bpmn-js/dist/bpmn-modeler.production.min.js \
	   node_modules/bpmn-js/dist/bpmn-navigated-viewer.production.min.js $(VENDOR)/bpmn-js/
	cp -r node_modules/bpmn-js/dist/assets/. $(VENDOR)/bpmn-js/assets/
	cp node_modules/@bpmn-io/form-js/dist/form-viewer.umd.js node_modules/@bpmn-io/form-js/dist/form-editor.umd.js \
	   $(VENDOR)/form-js/
	cp -r node_modules/@bpmn-io/form-js/dist/assets/. $(VENDOR)/form-js/assets/
	mkdir -p $(VENDOR)/dmn-js $(VENDOR)/designer
	cp -r node_modules/dmn-js/dist/assets/. $(VENDOR)/dmn-js/assets/
	cp node_modules/@bpmn-io/properties-panel/dist/assets/properties-panel.css $(VENDOR)/designer/
	@touch $(VENDOR_STAMP)

js: $(VENDOR_STAMP)

# The designer's modeler (bpmn-js, its properties panel and our provider under js/) is bundled by
# esbuild from the locked npm packages; rebuilt only when js/ or the vendor copy changed.
DESIGNER_JS := $(VENDOR)/designer/designer.js
$(DESIGNER_JS): $(VENDOR_STAMP) $(wildcard js/*.js js/*.json)
	node_modules/.bin/esbuild js/designer.js --bundle --minify --format=iife --target=es2020 \
	  --alias:style-mod=./js/style-mod-adopted.js --legal-comments=external --log-level=warning --outfile=$@

js: $(DESIGNER_JS)

# dmn-js for decision tables, bundled the same way as a production build (the prebuilt bundle's view
# library warns on the console that it is a development copy).
DMN_JS := $(VENDOR)/dmn-js/dmn-modeler.js
$(DMN_JS): $(VENDOR_STAMP) js/dmn.js js/style-mod-adopted.js
	node_modules/.bin/esbuild js/dmn.js --bundle --minify --format=iife --target=es2020 \
	  --alias:style-mod=./js/style-mod-adopted.js \
	  --define:process.env.NODE_ENV='"production"' --legal-comments=external --log-level=warning --outfile=$@

js: $(DMN_JS)

# The form-js editor, bundled the same way so its expression editors need no inline <style> elements.
FORM_EDITOR_JS := $(VENDOR)/designer/form-editor.js
$(FORM_EDITOR_JS): $(VENDOR_STAMP) js/form-editor.js js/style-mod-adopted.js
	node_modules/.bin/esbuild js/form-editor.js --bundle --minify --format=iife --target=es2020 \
	  --alias:style-mod=./js/style-mod-adopted.js \
	  --define:process.env.NODE_ENV='"production"' --legal-comments=external --log-level=warning --outfile=$@

js: $(FORM_EDITOR_JS)

# Debian's Chromium for the browser tests; never a browser download of its own. Failing to install
# it is tolerated: the browser tests then skip with the reason (and fail under CI=true).
browser:
	@if [ ! -x /usr/bin/chromium ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  (apt-get update -qq && apt-get install -y -qq chromium) || echo "warning: chromium could not be installed"; \
	fi

# Official documents: Liberation Serif 2 (fonts-liberation2: Times New Roman's metrics, with every Vietnamese
# letter, which version 1 lacks) for the PDFs, and poppler-utils (pdftotext, pdftoppm) with which the tests
# read the PDFs back and draw their pages. Tolerated like the browser: the document tests skip with the
# reason (and fail under CI=true).
doctools:
	@if { [ ! -x /usr/bin/pdftoppm ] || [ ! -f /usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf ]; } \
	  && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  (apt-get update -qq && apt-get install -y -qq poppler-utils fonts-liberation2) \
	  || echo "warning: poppler-utils or fonts-liberation2 could not be installed"; \
	fi

run: install js doctools
	$(BIN)/petitionflow db upgrade
	$(BIN)/petitionflow demo
	@# the worker fires timers and delivers messages beside the web server, and stops with it
	@$(BIN)/petitionflow worker & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(BIN)/petitionflow serve --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check workflows service tests bench

typecheck: install
	$(BIN)/mypy

test: install js browser doctools lint typecheck
	$(BIN)/pytest

e2e: install js browser
	$(BIN)/pytest tests/e2e -q

# Mixed load against gunicorn + worker + PostgreSQL for SOAK_MINUTES (30); prints latency and memory figures.
soak: install
	$(BIN)/python -m bench.soak

unit: install
	$(BIN)/pytest tests/unit tests/bpmn -q

# The benchmark suite (issue 7): one table on stdout, every figure in bench-results/results.json.
# Not part of `make test`; about 15 minutes on 2 cores, BENCH_SCALE=0.1 for a quick look.
bench: install
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) node_modules $(VENDOR) .pytest_cache .mypy_cache .ruff_cache petitionflow.sqlite3*
