# Entry points (a contract: README, CI and users rely on them).
# The project's own tools run from .venv (Python 3.11); the reference instance has its own venv under .instance/.
PY       ?= python3
VENV     := .venv
BIN      := $(VENV)/bin
STAMP    := $(VENV)/.installed


.PHONY: system-deps lint-ci verify test instance instance-stop instance-reset live record bench preview render help

help:  ## list the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

verify: $(STAMP)  ## the main job: every snippet linted, every step of every case replayed once, every page checked from that run
	$(BIN)/apidocs lint
	$(BIN)/apidocs verify --check-pages

test: $(STAMP)  ## the import layers, ruff, mypy and shellcheck on the project's own code, then its tests (offline)
	$(BIN)/lint-imports --no-cache
	$(BIN)/ruff check
	$(BIN)/mypy
	$(BIN)/shellcheck .ci/run instance/*.sh instance/opensearch/*.sh
	$(BIN)/python -m pytest -n auto --dist loadgroup tests

live: $(STAMP)  ## every case against $$DOCS_API_URL (default: the reference instance), with a drift report
	$(BIN)/apidocs live --report reports/

record: $(STAMP)  ## re-record the cassettes from $$DOCS_API_URL (default: the reference instance)
	$(BIN)/apidocs record

system-deps:  ## Debian packages the tests use: Chromium + ChromeDriver (preview test), curl (cURL snippets), rsync (gitlab-ci-local)
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null && command -v curl >/dev/null \
	  && command -v rsync >/dev/null || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver curl rsync; }

instance: $(STAMP)  ## start (or reuse) the local reference InvenioRDM on 127.0.0.1, provisioned (INSTANCE_SEED=none: empty)
	bash instance/instance.sh up

instance-stop:  ## stop every service the instance started
	bash instance/instance.sh stop

instance-reset:  ## stop the instance and wipe its data
	bash instance/instance.sh reset

render: $(STAMP)  ## write the page's blocks from the verified cases (replay) into page/api.html
	$(BIN)/apidocs render

preview: $(STAMP)  ## screenshot each page as the instance serves it (preview/<page>.png); without an instance, through a stand-in base template
	$(BIN)/apidocs preview

# ---- nightly drift CI: lint the job files (ci/README.md)
ACTIONLINT_VERSION := v1.7.12
.PHONY: lint-ci
lint-ci: $(STAMP)  ## validate ci/gitlab-ci.yml and ci/github-workflow.yml (schemas, actionlint)
	$(BIN)/check-jsonschema --builtin-schema vendor.gitlab-ci ci/gitlab-ci.yml
	$(BIN)/check-jsonschema --builtin-schema vendor.github-workflows ci/github-workflow.yml
	@if [ ! -x $(BIN)/actionlint ] && command -v go >/dev/null; then \
		echo "installing actionlint $(ACTIONLINT_VERSION) into $(BIN) (go install)"; \
		GOBIN=$(abspath $(BIN)) go install github.com/rhysd/actionlint/cmd/actionlint@$(ACTIONLINT_VERSION); fi
	@if [ -x $(BIN)/actionlint ]; then $(BIN)/actionlint ci/github-workflow.yml && echo "actionlint: ok"; \
	else echo "actionlint: skipped (no Go toolchain to install it)"; fi

# ---- the GitLab job file, run as GitLab runs it (tests/test_job_files.py): gitlab-ci-local from npm
GITLAB_CI_LOCAL_VERSION := 4.60.0
GITLAB_CI_LOCAL := $(VENV)/node/node_modules/.bin/gitlab-ci-local
.PHONY: ci-local
ci-local: $(GITLAB_CI_LOCAL)  ## install gitlab-ci-local (npm) into .venv/node, for the job-file tests
$(GITLAB_CI_LOCAL):
	npm install --prefix $(VENV)/node --no-audit --no-fund --loglevel=error gitlab-ci-local@$(GITLAB_CI_LOCAL_VERSION)

# ---- benchmark (bench/bench.py): verify vs. the bare cost of the snippets; prints `verify/bare ratio` last
bench: $(STAMP)  ## time verify vs. running the snippets by hand (+ render --check, live); profile
	$(BIN)/python bench/bench.py
