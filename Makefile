# The two commands a newcomer needs: `make run` and `make test` (see README).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
UV := UV_PYTHON_DOWNLOADS=never $(BIN)/uv
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test check lint messages system-deps clean

$(BIN)/uv:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check uv==0.13.9

$(VENV)/.runtime: requirements.txt | $(BIN)/uv
	$(UV) pip install --quiet --python $(BIN)/python -r requirements.txt
	touch $@

# The W3C Nu HTML checker, as its makers publish it on npm (tests/test_html_validity.py).
VNU_VERSION := 26.9.27
VNU_JAR := $(VENV)/vnu-$(VNU_VERSION).jar
$(VNU_JAR): | $(BIN)/uv
	cd $(VENV) && npm pack --silent vnu-jar@$(VNU_VERSION) >/dev/null \
	  && tar -xzf vnu-jar-$(VNU_VERSION).tgz package/build/dist/vnu.jar \
	  && mv package/build/dist/vnu.jar $(notdir $(VNU_JAR)) && rm -rf package vnu-jar-$(VNU_VERSION).tgz

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/uv
	$(UV) pip install --quiet --python $(BIN)/python -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

# Debian packages the tests use: Chromium and CJK fonts for the browser
# tests, gettext for the interface catalogs, Java (and npm to fetch it) for
# the Nu HTML checker,
# nginx for the proxy in front (tests/test_proxy.py runs deploy/nginx.conf),
# wrk for the small run of bench/http.sh (tests/test_benchmarks.py).
# Installed when missing and root.
system-deps:
	@missing=""; \
	command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	[ -d /usr/share/fonts/opentype/noto ] || missing="$$missing fonts-noto-cjk"; \
	command -v java >/dev/null || missing="$$missing default-jre-headless"; \
	command -v npm >/dev/null || missing="$$missing npm"; \
	[ -x /usr/sbin/nginx ] || missing="$$missing nginx"; \
	command -v wrk >/dev/null || missing="$$missing wrk"; \
	if [ -x /usr/lib/postgresql/15/bin/postgres ] && [ ! -f /usr/share/postgresql/15/extension/rum.control ]; then \
	  missing="$$missing postgresql-15-rum"; fi; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "Please install with apt-get:$$missing"; fi; \
	fi

messages:
	$(BIN)/python manage.py compilemessages --ignore=.venv --verbosity=0

run: $(VENV)/.runtime messages
	mkdir -p var/static
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_archive
	@echo ""
	@echo "The archive is at http://$(HOST):$(PORT)/"
	@echo "Admin: create an account with '$(BIN)/python manage.py createsuperuser',"
	@echo "       then log in at http://$(HOST):$(PORT)/admin/"
	@echo ""
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

check: $(VENV)/.dev
	mkdir -p var
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

test: system-deps $(VENV)/.dev $(VNU_JAR) messages lint check
	VNU_JAR=$(VNU_JAR) $(BIN)/python -m pytest

clean:
	rm -rf $(VENV) var/static var/screenshots
