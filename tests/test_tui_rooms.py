"""The interface's rooms hold: one typed seam to the app, every screen on it, no import circle.

Read from the source and the classes themselves, so a new screen that reaches the app
around the seam, or a module that closes a circle, fails here.
"""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

from textual.screen import Screen

from conftest import SRC
from pairjournal.tui.seam import Hosted, JournalHost

TUI = SRC / "pairjournal" / "tui"


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(SRC).with_suffix("").parts).removesuffix(".__init__")


TUI_MODULES = [_module_name(p) for p in sorted(TUI.rglob("*.py"))]


def test_the_app_and_the_test_hosts_satisfy_the_seam(tmp_path: Path) -> None:
    from textual.screen import Screen as Blank

    from pairjournal.tui.app import PairJournalApp
    from test_sharing_screens import Host
    from tui_host import HostApp

    assert isinstance(PairJournalApp(tmp_path / "j.pairjournal"), JournalHost)
    assert isinstance(HostApp(None, Blank), JournalHost)  # type: ignore[arg-type]
    assert isinstance(Host(None, Blank), JournalHost)  # type: ignore[arg-type]


def test_every_screen_and_dialog_of_ours_holds_the_handle() -> None:
    screens = []
    for name in TUI_MODULES:
        for cls in vars(importlib.import_module(name)).values():
            if inspect.isclass(cls) and issubclass(cls, Screen) and cls.__module__ == name:
                screens.append(cls)
    assert len(screens) > 15  # the scan found them
    assert [cls.__qualname__ for cls in screens if not issubclass(cls, Hosted)] == []


def test_no_screen_reaches_the_app_around_the_seam() -> None:
    for path in sorted(TUI.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert "ignore[attr-defined" not in text, path
        assert "getattr(self.app" not in text and "getattr(app," not in text, path


def _imports(path: Path, package: str) -> set[str]:
    """The pairjournal.tui modules a module imports, anywhere but under ``if TYPE_CHECKING:``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    checking: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            checking |= {id(child) for stmt in node.body for child in ast.walk(stmt)}
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in checking:
            continue
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            base = node.module
            if node.level:
                base = ".".join([*package.split(".")[: len(package.split(".")) - node.level + 1], node.module])
            found.add(base)
            found |= {f"{base}.{alias.name}" for alias in node.names}
    return {name for name in found if name in TUI_MODULES}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return [*path[path.index(target):], target]
            if target not in state and (found := visit(target)):
                return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_no_import_circle_in_the_interface() -> None:
    graph = {}
    for path in sorted(TUI.rglob("*.py")):
        name = _module_name(path)
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        graph[name] = _imports(path, package) - {name}
    assert _cycle(graph) is None, " -> ".join(_cycle(graph) or [])


def test_the_circle_check_finds_a_circle() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None
