"""The wheel a plain `pip install .` builds carries everything the app reads at run time."""

from __future__ import annotations

import zipfile
from pathlib import Path

from conftest import ROOT


def test_wheel_ships_themes_and_the_console_script(tmp_path: Path) -> None:
    from hatchling.builders.wheel import WheelBuilder

    (wheel,) = list(WheelBuilder(str(ROOT)).build(directory=str(tmp_path), versions=["standard"]))
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        entry_points = next(n for n in names if n.endswith("entry_points.txt"))
        scripts = archive.read(entry_points).decode()
    shipped = {Path(n).name for n in names if n.startswith("pairjournal/themes/")}
    in_repo = {p.name for p in (ROOT / "themes").glob("*.toml")}
    assert in_repo and in_repo <= shipped
    assert any(n.endswith(".tcss") for n in names), "stylesheets must ship with the package"
    assert "pairjournal = pairjournal.cli:main" in scripts
    assert not any("/tests/" in n or n.startswith("tests/") for n in names)
