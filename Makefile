# The two commands of the README, plus helpers. Each does its own set-up when needed.
.PHONY: setup demo test lint format clean
setup:
	bash scripts/setup.sh
demo:
	bash scripts/demo.sh
test:
	bash scripts/test.sh
lint:
	bash scripts/lint.sh
format:
	.venv/bin/ruff format . && .venv/bin/ruff check --fix .
clean:
	rm -rf var .pytest_cache
