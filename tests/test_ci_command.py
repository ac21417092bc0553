"""The README's test command and .ci/run are the same command, and it runs every gate."""

from __future__ import annotations

import re

from conftest import ROOT


def _readme_test_command() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Run the tests", 1)[1]
    match = re.search(r"```sh\n(.+?)\n```", section, re.S)
    assert match is not None
    return match.group(1).strip()


def test_ci_runs_exactly_the_readme_test_command() -> None:
    command = _readme_test_command()
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert command in script.splitlines()


def test_the_test_command_runs_the_contracts_the_types_the_lint_and_the_suite() -> None:
    steps = [step.strip() for step in _readme_test_command().split("&&")]
    assert ".venv/bin/lint-imports" in steps
    assert ".venv/bin/mypy" in steps
    assert ".venv/bin/ruff check src tests bench" in steps
    # The suite on every core (pytest-xdist): one process would take over the 5 minutes CI allows it.
    assert steps[-1] == ".venv/bin/python -m pytest -n auto --dist worksteal"
