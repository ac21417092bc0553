"""The layers hold: the core never imports textual; the interface never touches SQL or crypto.

Checked two ways: by importing in a clean subprocess and looking at sys.modules,
and by reading every interface module's import statements.
"""

from __future__ import annotations

import ast
import json
import subprocess
from pathlib import Path

import pytest

from conftest import PYTHON, SRC, subprocess_env

TUI = SRC / "pairjournal" / "tui"
CORE_MODULES = [
    "pairjournal.errors",
    "pairjournal.vault.crypto",
    "pairjournal.vault.store",
    "pairjournal.model",
    "pairjournal.journal",
    "pairjournal.journal.service",
]
OPTIONAL_CORE = ["pairjournal.sharing", "pairjournal.program.report", "pairjournal.program.render",
                 "pairjournal.program.roster"]
FORBIDDEN_IN_TUI = ("sqlite3", "sqlite_utils", "cryptography", "pairjournal.vault")


def _modules_after_import(*names: str) -> set[str]:
    script = (
        "import importlib, json, sys\n"
        f"for name in {list(names)!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    result = subprocess.run([PYTHON, "-c", script], capture_output=True, text=True, env=subprocess_env(), timeout=120)
    assert result.returncode == 0, result.stderr
    return set(json.loads(result.stdout.strip().splitlines()[-1]))


def _present(name: str) -> bool:
    parts = name.split(".")
    base = SRC.joinpath(*parts)
    return base.with_suffix(".py").exists() or (base / "__init__.py").exists()


def test_the_core_never_imports_textual() -> None:
    names = CORE_MODULES + [name for name in OPTIONAL_CORE if _present(name)]
    loaded = _modules_after_import(*names)
    assert "pairjournal.journal.service" in loaded  # the check imported what it claims to
    assert "textual" not in loaded
    assert not any(name.startswith("textual.") for name in loaded)
    assert not any(name.startswith("pairjournal.tui") for name in loaded)


def test_importing_the_app_is_cheap_and_does_not_reach_the_vault() -> None:
    loaded = _modules_after_import("pairjournal.tui.app")
    assert "pairjournal.tui.app" in loaded
    for heavy in ("pairjournal.vault", "pairjournal.journal", "sqlite3", "sqlite_utils", "cryptography"):
        assert heavy not in loaded, f"{heavy} is imported before the unlock screen needs it"


def test_the_unlock_screen_module_is_cheap_too() -> None:
    loaded = _modules_after_import("pairjournal.tui.screens.unlock")
    assert "pairjournal.vault" not in loaded and "pairjournal.journal" not in loaded


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            # "from pairjournal import vault" names the package through its parent.
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return found


TUI_FILES = sorted(TUI.rglob("*.py"))


def test_there_are_interface_modules_to_scan() -> None:
    names = {p.name for p in TUI_FILES}
    assert {"app.py", "lock.py", "commands.py", "home.py", "session.py", "unlock.py"} <= names


@pytest.mark.parametrize("path", TUI_FILES, ids=lambda p: str(p.relative_to(TUI)))
def test_the_interface_never_imports_sql_or_crypto(path: Path) -> None:
    for line, module in _imports(path):
        for forbidden in FORBIDDEN_IN_TUI:
            assert not (module == forbidden or module.startswith(forbidden + ".")), (
                f"{path.relative_to(SRC)}:{line} imports {module}"
            )


def test_the_scan_catches_a_forbidden_import(tmp_path: Path) -> None:
    sample = tmp_path / "bad.py"
    sample.write_text("import os\nfrom pairjournal import vault\nfrom sqlite_utils.db import Database\n")
    modules = [m for _, m in _imports(sample)]
    assert "pairjournal.vault" in modules and "sqlite_utils.db" in modules
