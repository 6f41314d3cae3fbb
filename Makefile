# Developer entry points. Everything runs from this checkout with .venv/bin/python;
# scripts/bootstrap.sh creates .venv and node_modules (and skips what is already up to date).
#
#   make run        set up, migrate, load the demo district, serve on http://127.0.0.1:8000/
#   make test       set up with the test extras, then lint, migration and system checks, pytest,
#                   on PostgreSQL and Redis (scripts/test-services.sh)
#   make lint       ruff check and ruff format --check
#   make format     ruff format, ruff check --fix
#   make messages   update locale/en (makemessages) and compile it
#   make clean      delete .venv, node_modules, collected static files and caches (keeps var/)

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON := .venv/bin/python
MANAGE := $(PYTHON) manage.py
# makemessages/compilemessages walk the whole tree; keep them out of installed packages.
I18N_IGNORE := -i node_modules -i .venv -i staticfiles -i var

.PHONY: help bootstrap run test test-steps lint format messages clean

help:
	@sed -n '4,11p' Makefile | sed 's/^# \{0,1\}//'

bootstrap:
	@bash scripts/bootstrap.sh

# With no variables set the portal uses its embedded defaults: SQLite in var/, tasks run inline,
# e-mail printed to the console. DATABASE_URL etc. in the environment or in .env still apply.
run:
	@bash scripts/bootstrap.sh
	@mkdir -p var
	@echo "==> manage.py migrate"
	@$(MANAGE) migrate --no-input --verbosity 0
	@echo "==> manage.py seed_demo"
	@$(MANAGE) seed_demo
	@echo "==> serving on http://127.0.0.1:8000/ (Ctrl-C stops)"
	@$(MANAGE) runserver 127.0.0.1:8000

test:
	@bash scripts/bootstrap.sh --test
	@bash scripts/test-services.sh $(MAKE) --no-print-directory test-steps

# The checks and the suite; needs DATABASE_URL/REDIS_URL, so run it through `make test`.
test-steps:
	@echo "==> ruff check"
	@$(PYTHON) -m ruff check .
	@echo "==> ruff format --check"
	@$(PYTHON) -m ruff format --check .
	@echo "==> manage.py makemigrations --check"
	@$(MANAGE) makemigrations --check --dry-run
	@echo "==> manage.py check"
	@$(MANAGE) check
	@echo "==> pytest"
	@$(PYTHON) -m pytest -p no:cacheprovider; rc=$$?; \
	if [ $$rc = 5 ]; then echo "pytest collected no tests (exit 5): that counts as a failure" >&2; fi; \
	exit $$rc

lint:
	@bash scripts/bootstrap.sh --test
	@$(PYTHON) -m ruff check .
	@$(PYTHON) -m ruff format --check .

format:
	@bash scripts/bootstrap.sh --test
	@$(PYTHON) -m ruff format .
	@$(PYTHON) -m ruff check --fix .

messages:
	@bash scripts/bootstrap.sh
	@command -v xgettext >/dev/null || { echo "make messages needs GNU gettext (Debian/Ubuntu: apt-get install gettext)" >&2; exit 1; }
	@$(MANAGE) makemessages -l en $(I18N_IGNORE)
	@$(MANAGE) compilemessages -l en $(I18N_IGNORE)

clean:
	rm -rf .venv node_modules staticfiles build *.egg-info .pytest_cache .ruff_cache .hypothesis
	find . -path ./var -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
	@echo "var/ (the local SQLite database and uploaded media) is kept: delete it to start afresh."
