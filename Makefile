VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip

.PHONY: demo test lint bench clean

$(VENV)/bin/activate:
	python3 -m venv $(VENV)

$(VENV)/.dev: $(VENV)/bin/activate pyproject.toml
	$(PIP) install --quiet -e ".[dev,viz]"
	touch $@

$(VENV)/.demo: $(VENV)/bin/activate pyproject.toml
	$(PIP) install --quiet -e ".[demo]"
	touch $@

$(VENV)/.examples: $(VENV)/bin/activate pyproject.toml
	$(PIP) install --quiet -e ".[examples]"
	touch $@

demo: $(VENV)/.demo
	$(PY) examples/demo.py

test: $(VENV)/.dev $(VENV)/.examples
	$(PY) -m pytest

lint: $(VENV)/.dev
	$(PY) -m ruff check minigrad tests examples benchmarks
	$(PY) -m ruff format --check minigrad tests examples benchmarks

bench: $(VENV)/.dev
	$(PY) benchmarks/bench_train.py
	$(PY) benchmarks/bench_ops.py
	$(PY) benchmarks/bench_layers.py

clean:
	rm -rf $(VENV) out build *.egg-info
