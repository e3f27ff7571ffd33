# petitionflow: `make run` to try it, `make test` to check it. Both set up .venv on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: install run test lint typecheck unit clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/petitionflow db upgrade
	$(BIN)/petitionflow demo
	$(BIN)/petitionflow serve --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check workflows service tests

typecheck: install
	$(BIN)/mypy

test: install lint typecheck
	$(BIN)/pytest

unit: install
	$(BIN)/pytest tests/unit tests/bpmn -q

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache petitionflow.sqlite3*
