# The README's commands. Each one sets everything up first, so it works on a fresh clone.
.PHONY: run test lint format dist bench

run:
	bash scripts/setup-venv.sh
	.venv/bin/python -m kh_desktop

# Lint and the whole suite through the one entry the Windows workflow runs too (scripts/run_tests.py).
test:
	bash scripts/setup-venv.sh test
	.venv/bin/python scripts/run_tests.py

# The standalone program for office PCs: dist/KienHaiTienDo/ and its zip, then the built program's --self-test.
dist:
	bash scripts/build-bundle.sh

# Benchmarks against the floor of the stack: a table, and benchmarks/results.json (README, "Benchmarks").
# Also builds the program and a bare window with PyInstaller (start-up-bundle, bundle-size: about 1.5 minutes).
bench:
	bash scripts/setup-venv.sh test build
	QT_QPA_PLATFORM=offscreen .venv/bin/python -m benchmarks.run

lint:
	.venv/bin/ruff check kh_desktop tests scripts/run_tests.py
	.venv/bin/ruff format --check kh_desktop tests scripts/run_tests.py

format:
	.venv/bin/ruff check --fix kh_desktop tests scripts/run_tests.py
	.venv/bin/ruff format kh_desktop tests scripts/run_tests.py
