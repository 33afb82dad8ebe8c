# The two commands of the README. Everything a run or a test needs is installed from here:
# the Python packages (.venv), the JavaScript the pages need (npm ci, bundled into api/static/dist),
# the compiled language catalogs, and, for the tests, Debian's Chromium.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
CATALOGS := $(patsubst %.po,%.mo,$(wildcard api/translations/*/LC_MESSAGES/messages.po))

.PHONY: run test install lint bench clean catalogs extract-messages uz-latn-drafts screenshots pango

$(BIN)/jarchy: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

node_modules/.package-lock.json: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

api/static/dist/.built: node_modules/.package-lock.json assets/build.mjs $(wildcard assets/js/*.js) \
		$(wildcard assets/lint/*.js assets/lint/*/*.js assets/lint/*/rules/*.js)
	npm run --silent build
	touch $@

%.mo: %.po $(BIN)/jarchy
	$(BIN)/pybabel --quiet compile --statistics -i $< -o $@

catalogs: $(CATALOGS)

install: $(BIN)/jarchy api/static/dist/.built catalogs pango

# Debian's Pango, which WeasyPrint lays out the office report's PDF with, and DejaVu, a font with Cyrillic glyphs.
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
PANGO_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core
pango:
	@(/sbin/ldconfig -p | grep -q libpangoft2-1.0) && test -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf || \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q $(PANGO_PACKAGES) || \
	  ($(SUDO) apt-get update -q && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q $(PANGO_PACKAGES))

# Debian's Chromium and its driver, for the browser tests (Playwright drives /usr/bin/chromium).
/usr/bin/chromium:
	$(if $(filter 0,$(shell id -u)),,sudo) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver \
	  || ($(if $(filter 0,$(shell id -u)),,sudo) apt-get update -q && \
	      $(if $(filter 0,$(shell id -u)),,sudo) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver)

run: install
	$(BIN)/jarchy demo
	$(BIN)/jarchy serve --host $(HOST) --port $(PORT)

test: install /usr/bin/chromium
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n 2 tests

# Refreshes docs/screenshots/ from the browser tests.
screenshots: install /usr/bin/chromium
	JARCHY_SCREENSHOTS=1 $(BIN)/python -m pytest -q tests/browser

# Refreshes the catalogs' template from the templates, the Python code, the forms, the diagrams and the modeler's
# packages, and merges it into each language.
extract-messages: $(BIN)/jarchy node_modules/.package-lock.json
	$(BIN)/python -m api.web.modeler_messages
	$(BIN)/pybabel extract -F babel.cfg --no-location --sort-output -k _l -k lazy_gettext -k _p:1c,2 -k lazy_pgettext:1c,2 \
	  -o api/translations/messages.pot .
	for lang in ky ru uz_Cyrl uz_Latn uk en; do test -f api/translations/$$lang/LC_MESSAGES/messages.po || \
	  $(BIN)/pybabel init -i api/translations/messages.pot -d api/translations -l $$lang; done
	$(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete -i api/translations/messages.pot -d api/translations

# Fills the Latin Uzbek catalog's new messages from the Cyrillic ones as fuzzy drafts, to be reviewed one by one
# (api/web/uz_latn_drafts.py); run it after `extract-messages` and the Cyrillic translations.
uz-latn-drafts: $(BIN)/jarchy
	$(BIN)/python -m api.web.uz_latn_drafts

bench: install
	$(BIN)/python tests/perf/bench_information_request.py

clean:
	rm -rf $(VENV) var *.egg-info node_modules api/static/dist $(CATALOGS)
