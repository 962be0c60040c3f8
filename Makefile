VENV := .venv
PYTHON := $(VENV)/bin/python
STAMP := $(VENV)/.installed

# pytest-xdist processes for the tests: `auto` is one per CPU; PYTEST_WORKERS=0 runs them in this process
# (to use a debugger, or to read one test's output in order). A test file goes to one process as a whole, so data
# a module builds once (module-scoped fixtures) is built once.
PYTEST_WORKERS ?= auto
PYTEST := $(VENV)/bin/pytest -n $(PYTEST_WORKERS) --dist loadfile
# Where `make run` serves.
PORT ?= 8000

.PHONY: run test test-fast checks lint messages serve worker

$(STAMP): requirements.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements.txt
	touch $(STAMP)

run: $(STAMP)
	$(PYTHON) manage.py migrate --noinput
	$(PYTHON) manage.py seed_demo
	exec $(PYTHON) -m samverkan.launch --port $(PORT)

checks: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(PYTHON) manage.py check
	$(PYTHON) manage.py makemigrations --check --dry-run

test: checks
	$(PYTEST)

# The edit loop: the same checks and every test but those that drive Chromium.
test-fast: checks
	$(PYTEST) -m "not browser"

# Runs the service for real with gunicorn (samverkan/gunicorn.conf.py): set DATABASE_URL, DEBUG=0, SECRET_KEY
# and ALLOWED_HOSTS first; WORKERS and BIND choose how many processes and where they listen.
serve: $(STAMP)
	$(PYTHON) manage.py collectstatic --noinput
	$(PYTHON) manage.py migrate --noinput
	exec $(VENV)/bin/gunicorn samverkan.wsgi --config samverkan/gunicorn.conf.py

# Its counterpart for the work done outside requests: one worker process taking tasks from the database queue and
# keeping the schedule; start as many as needed, on any machine reaching the database (after `make serve` migrated).
worker: $(STAMP)
	exec $(PYTHON) manage.py run_worker --no-reload --worker-id "$$(hostname | cut -c1-50)-$$$$"

lint: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Regenerates the Swedish catalogue from the source (needs GNU gettext) and compiles it.
messages: $(STAMP)
	$(PYTHON) manage.py makemessages --locale sv --ignore '.venv/*' --no-obsolete
	$(PYTHON) manage.py compilemessages --locale sv --ignore '.venv/*'
