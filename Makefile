# The two commands: `make run` and `make test`. Everything else here serves them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
FLASK := $(BIN)/flask --app wsgi

.PHONY: run test install assets translations lint format clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall only when the package metadata changes.
$(VENV)/.installed: setup.cfg pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

install: $(VENV)/.installed assets translations

# The design system (DKFDS) from npm, copied under static/ where the app serves it.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

static/dkfds/.copied: node_modules/.package-lock.json
	rm -rf static/dkfds
	mkdir -p static/dkfds
	cp -r node_modules/dkfds/dist/css node_modules/dkfds/dist/js node_modules/dkfds/dist/fonts node_modules/dkfds/dist/img static/dkfds/
	touch $@

assets: static/dkfds/.copied

translations: $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -d translations

run: install
	mkdir -p instance
	APP_ENV=demo $(FLASK) db upgrade
	APP_ENV=demo $(FLASK) demo-data --if-empty
	@echo "Serving on http://127.0.0.1:$(PORT)  (demo logins above; password demo12345678)"
	APP_ENV=demo NEMLOGIN_ENABLED=$${NEMLOGIN_ENABLED:-1} NEMLOGIN_DEMO_IDP=$${NEMLOGIN_DEMO_IDP:-1} BASE_URL=$${BASE_URL:-http://127.0.0.1:$(PORT)} $(FLASK) run --host 127.0.0.1 --port $(PORT)

# TEST_DATABASE_URL selects PostgreSQL; without it the suite runs on SQLite files under a temp dir.
test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest $(PYTEST_ARGS)

# Refresh the message catalogue after changing UI text, then translate the new Danish entries.
messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k lazy_gettext -k _l -k _plural:1,2 -o translations/messages.pot --no-location --omit-header .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --omit-header --no-fuzzy-matching

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-logo --no-cache

format: $(VENV)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) node_modules static/dkfds
