# Guanxi: `make demo` to try it, `make test` for the whole suite, `make check` while working.
PYTHON ?= python3
VENV := .venv
TOOLS := .tools
UV := $(TOOLS)/bin/uv
PY := $(VENV)/bin/python
TEST_WORKERS ?= auto
MANAGE := $(PY) manage.py
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: demo test check venv lint format typecheck browser-deps messages bench ci

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==0.13.9

$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --extra dev --quiet
	touch $@

venv: $(VENV)/.synced

demo: venv
	$(MANAGE) migrate --no-input
	$(MANAGE) seed_demo_users
	$(MANAGE) seed_demo --if-empty
	$(MANAGE) seed_demo_sales --if-empty
	$(MANAGE) seed_demo_service --if-empty
	$(MANAGE) recompute_analytics
	@echo ""
	@echo "Guanxi is starting on http://127.0.0.1:8000 (task worker and scheduler included; Ctrl+C stops all)."
	@echo "Log in as admin@guanxi.test (or any demo user listed above) with the password guanxi-demo-2026."
	@trap 'kill 0' INT TERM EXIT; \
	$(MANAGE) db_worker --queue-name '*' & \
	$(MANAGE) run_scheduler & \
	$(MANAGE) runserver 127.0.0.1:8000

# List and search of contacts through the API against the raw SQL of the same page, on
# PostgreSQL (DATABASE_URL, default guanxi_bench on 127.0.0.1); writes docs/benchmarks.md.
# The deals board and forecast use their own database (SALES_BENCH_DATABASE_URL, default
# guanxi_bench_sales); BENCH_DEALS=10000 for a quick run (100,000 open deals by default).
# The recompute, duplicate-scan and import benchmarks use their own databases too
# (RECOMPUTE_BENCH_DATABASE_URL, default guanxi_bench_recompute with _<N> per size;
# DEDUPE_BENCH_DATABASE_URL, guanxi_bench_dedupe; IMPORT_BENCH_DATABASE_URL,
# guanxi_bench_imports); the sizes below are what finishes today (docs/benchmarks.md).
bench: venv
	$(PY) bench/contacts_api.py
	$(PY) bench/sales.py
	$(PY) bench/clv.py
	$(PY) bench/dedupe.py
	RECOMPUTE_BENCH_CUSTOMERS=10000,100000 $(PY) bench/recompute.py
	$(PY) bench/dedupe_scan.py --sizes 5000 20000
	$(PY) bench/imports.py --rows 2000 --profile

# Browser tests need Debian's Chromium and a CJK font; install them when we can,
# otherwise fail naming what is missing (never skip).
browser-deps:
	@bash .ci/browser-deps

test: venv browser-deps
	$(VENV)/bin/pytest -n $(TEST_WORKERS)

check: venv lint
	$(VENV)/bin/pytest -m "not browser" -q

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: venv
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

typecheck: venv
	$(VENV)/bin/mypy guanxi/core/services guanxi/core/access.py guanxi/core/selectors.py \
		guanxi/core/scheduling.py guanxi/core/search.py guanxi/core/custom_fields.py \
		guanxi/core/trash.py guanxi/customers/services guanxi/customers/selectors.py \
		guanxi/customers/timeline.py guanxi/lib guanxi/sales/services \
		guanxi/sales/selectors_leads.py guanxi/sales/selectors_deals.py \
		guanxi/sales/selectors_handover.py guanxi/sales/selectors_quotes.py \
		guanxi/sales/selectors_orders.py guanxi/sales/timeline_sources_orders.py \
		guanxi/sales/search_orders.py guanxi/sales/demo_orders.py \
		guanxi/sales/selectors_forecast.py guanxi/sales/selectors_performance.py \
		guanxi/sales/suggest.py \
		guanxi/integrations/services.py guanxi/integrations/dedupe*.py \
		guanxi/integrations/merge*.py guanxi/integrations/account_matching.py \
		guanxi/integrations/pair_store.py guanxi/integrations/match_rules.py \
		guanxi/customers/duplicates.py guanxi/integrations/imports \
		guanxi/service/services guanxi/service/selectors*.py \
		guanxi/analytics/services guanxi/analytics/selectors*.py guanxi/analytics/dashboards.py \
		guanxi/core/dashboards.py guanxi/core/forms_dashboards.py guanxi/core/api_dashboards.py \
		guanxi/web/views_dashboards.py

messages: venv
	$(MANAGE) makemessages -l zh_Hans --no-location --no-obsolete -i ".venv/*" -i ".tools/*" -i "var/*"
	$(PY) -m guanxi.lib.check_translations
	msgfmt --check -o guanxi/locale/zh_Hans/LC_MESSAGES/django.mo guanxi/locale/zh_Hans/LC_MESSAGES/django.po

ci:
	bash .ci/run
