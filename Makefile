# The two commands of the README. Everything a run or a test needs is installed from here.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: run test install install-test lint bench clean

$(BIN)/jarchy: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(BIN)/jarchy

run: install
	$(BIN)/jarchy demo
	$(BIN)/jarchy serve --host $(HOST) --port $(PORT)

test: install
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n 2 tests

bench: install
	$(BIN)/python tests/perf/bench_information_request.py

clean:
	rm -rf $(VENV) var *.egg-info
