"""Themes as data: the shipped TOML themes, the parser's errors, and loading that never raises."""

from __future__ import annotations

import inspect
import sys
from pathlib import Path

import pytest
import textual.widgets
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual.app import App
from textual.color import Color
from textual.css.stylesheet import Stylesheet
from textual.design import ColorSystem
from textual.theme import BUILTIN_THEMES, Theme
from textual.widget import Widget

from pairjournal.tui.themes import (
    DEFAULT_THEME,
    MAX_THEME_BYTES,
    ThemeError,
    ThemeLoadResult,
    load_themes,
    parse_theme,
    theme_dirs,
)

SHIPPED = ("pairjournal-dark", "pairjournal-light", "pairjournal-contrast")
REPO_THEMES = Path(__file__).resolve().parents[1] / "themes"

GOOD = """\
name = "good-one"
dark = false
primary = "#336699"
background = "#fafafa"
foreground = "#202020"
"""


def _contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio between two opaque colours."""

    def luminance(text: str) -> float:
        def channel(value: int) -> float:
            c = value / 255
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

        color = Color.parse(text)
        return 0.2126 * channel(color.r) + 0.7152 * channel(color.g) + 0.0722 * channel(color.b)

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.fixture(scope="module")
def shipped() -> ThemeLoadResult:
    return load_themes()


def test_theme_dirs_finds_the_shipped_folder() -> None:
    dirs = theme_dirs()
    assert dirs and (dirs[0] / f"{DEFAULT_THEME}.toml").is_file()
    assert theme_dirs(Path("/nowhere/user-themes"))[-1] == Path("/nowhere/user-themes")


def test_shipped_themes_load_without_errors(shipped: ThemeLoadResult) -> None:
    assert shipped.errors == []
    names = [theme.name for theme in shipped.themes]
    for name in SHIPPED:
        assert name in names
    assert DEFAULT_THEME in names
    assert all(isinstance(theme, Theme) for theme in shipped.themes)


def test_every_file_in_the_themes_folder_parses() -> None:
    files = sorted(REPO_THEMES.glob("*.toml"))
    assert len(files) >= 3
    for path in files:
        theme = parse_theme(path.read_text(encoding="utf-8"), str(path))
        assert path.stem == theme.name, "a theme file is named after its theme"


async def test_shipped_themes_register_and_apply(shipped: ThemeLoadResult) -> None:
    app = App()
    for theme in shipped.themes:
        app.register_theme(theme)
    async with app.run_test(size=(40, 10)) as pilot:
        for theme in shipped.themes:
            app.theme = theme.name
            await pilot.pause()
            assert app.current_theme.name == theme.name
            assert app.theme_variables["primary"]


def test_dark_light_and_high_contrast_exist(shipped: ThemeLoadResult) -> None:
    by_name = {theme.name: theme for theme in shipped.themes}
    assert by_name["pairjournal-dark"].dark is True
    assert by_name["pairjournal-light"].dark is False
    contrast = by_name["pairjournal-contrast"]
    assert Color.parse(contrast.background) == Color.parse("#000000")
    assert Color.parse(contrast.foreground) == Color.parse("#ffffff")


def test_shipped_themes_are_readable(shipped: ThemeLoadResult) -> None:
    for theme in shipped.themes:
        if theme.name not in SHIPPED:
            continue
        minimum = 7.0 if theme.name == "pairjournal-contrast" else 4.5
        for ground in (theme.background, theme.surface):
            assert _contrast(theme.foreground, ground) >= 7.0, theme.name
            for key in ("primary", "secondary", "accent", "success", "warning", "error"):
                ratio = _contrast(getattr(theme, key), ground)
                assert ratio >= minimum, f"{theme.name}: {key} on {ground} is {ratio:.2f}:1"


def _as_toml(theme: Theme) -> str:
    lines = [f'name = "{theme.name}"', f"dark = {'true' if theme.dark else 'false'}"]
    for key in ("primary", "secondary", "accent", "foreground", "background", "surface", "panel",
                "success", "warning", "error", "boost"):
        if getattr(theme, key) is not None:
            lines.append(f'{key} = "{getattr(theme, key)}"')
    lines.append("[variables]")
    lines += [f'"{key}" = "{value}"' for key, value in theme.variables.items()]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("name", sorted(BUILTIN_THEMES))
def test_textuals_own_themes_pass_our_checks(name: str) -> None:
    theme = parse_theme(_as_toml(BUILTIN_THEMES[name]), f"{name}.toml")
    assert theme.name == name


def _widget_css_checker():
    """Parse the default CSS of App and every Textual widget with a theme's variables.

    This is what applying a theme does; a variable Textual's CSS cannot take
    fails here with StylesheetParseError.
    """
    classes: set[type] = set()
    for export in textual.widgets.__all__:
        cls = getattr(textual.widgets, export)
        if inspect.isclass(cls) and issubclass(cls, Widget):
            classes.update(k for k in cls.__mro__ if isinstance(k, type) and issubclass(k, Widget))
    sources = [(App.DEFAULT_CSS, "App", "")]
    for cls in sorted(classes, key=lambda k: k.__qualname__):
        css = cls.__dict__.get("DEFAULT_CSS")
        if css:
            sources.append((css, cls.__qualname__, cls._css_type_name if cls.SCOPED_CSS else ""))

    def check(theme: Theme) -> None:
        stylesheet = Stylesheet(variables={**theme.to_color_system().generate(), **theme.variables})
        for css, where, scope in sources:
            stylesheet.add_source(css, read_from=(where, ""), is_default_css=True, scope=scope)
        stylesheet.parse()

    return check


def test_accepted_variables_parse_in_textual_css(shipped: ThemeLoadResult) -> None:
    check = _widget_css_checker()
    for theme in shipped.themes:
        check(theme)
    names = sorted(set(ColorSystem(primary="#000000").generate()) | {"my-app-background", "my-app-color"})
    values = ["#336699", "#336699 35%", "hsl(10,50%,50%) 20%", "ansi_red", "rebeccapurple", "auto 87%",
              "auto", "transparent", "transparent 50%", "initial", "rgb(1,2,3)", "#abcd", "ansi_default",
              "bold", "none", "b reverse", "bold not underline"]
    for value in values:
        accepted: dict[str, str] = {}
        for name in names:
            text = f'name = "grid"\nprimary = "red"\n[variables]\n"{name}" = "{value}"\n'
            try:
                parse_theme(text, "grid.toml")
            except ThemeError:
                continue
            accepted[name] = value
        try:
            check(Theme(name="grid", primary="red", variables=accepted))
        except Exception:
            # Name the culprit rather than the whole batch.
            for name in accepted:
                try:
                    check(Theme(name="grid", primary="red", variables={name: value}))
                except Exception as error:
                    pytest.fail(f"parse_theme accepted {name} = {value!r} but Textual's CSS refuses it: {error!r}")
            raise


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("name = 'x'\nprimary = \n", "not valid TOML"),
        ('primary = "#123456"\n', "missing 'name'"),
        ('name = "x"\n', "missing 'primary'"),
        ('name = 7\nprimary = "red"\n', "'name' must be a string"),
        ('name = "Bad Name!"\nprimary = "red"\n', "name 'Bad Name!'"),
        ('name = ""\nprimary = "red"\n', "name ''"),
        ('name = "x"\nprimary = "not-a-colour"\n', "'primary' is not a colour"),
        ('name = "x"\nprimary = "#12345g"\n', "'primary' is not a colour"),
        ('name = "x"\nprimary = 3\n', "'primary' must be a colour string"),
        ('name = "x"\nprimary = "red"\ndark = "yes"\n', "'dark' must be true or false"),
        ('name = "x"\nprimary = "red"\nshiny = true\n', "unknown key 'shiny'"),
        ('name = "x"\nprimary = "red"\nvariables = 1\n', "'variables' must be a table"),
        ('name = "x"\nprimary = "red"\n[variables]\n"Bad_Name" = "red"\n', "variable name 'Bad_Name'"),
        ('name = "x"\nprimary = "red"\n[variables]\n"text" = 5\n', "variable 'text' must be a string"),
        ('name = "x"\nprimary = "red"\n[variables]\n"border" = "nope"\n', "variable 'border' is not a colour"),
        ('name = "x"\nprimary = "red"\n[variables]\n"link-style" = "wobbly"\n', "unknown text style"),
        ('name = "x"\nprimary = "red"\n[variables]\n"my-var" = "a; b"\n', "may not contain"),
    ],
)
def test_parse_errors_are_one_line_and_name_the_source(text: str, expected: str) -> None:
    with pytest.raises(ThemeError) as caught:
        parse_theme(text, "mine.toml")
    message = str(caught.value)
    assert message.startswith("mine.toml: ")
    assert expected in message
    assert "\n" not in message and len(message) <= 300


def test_parse_accepts_textual_variable_forms() -> None:
    theme = parse_theme(
        GOOD
        + '[variables]\n"text" = "auto 87%"\n"input-selection-background" = "#336699 35%"\n'
        + '"link-style-hover" = "bold not underline"\n"my-app-gap" = "2"\n',
        "ok.toml",
    )
    assert theme.name == "good-one" and theme.dark is False
    assert theme.variables["text"] == "auto 87%"


def test_a_broken_folder_reports_each_file_and_keeps_the_good(tmp_path: Path) -> None:
    (tmp_path / "a-good.toml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "bad-toml.toml").write_text("name = [unclosed\n", encoding="utf-8")
    (tmp_path / "bad-colour.toml").write_text('name = "bad-colour"\nprimary = "#zzzzzz"\n', encoding="utf-8")
    (tmp_path / "no-name.toml").write_text('primary = "#123456"\n', encoding="utf-8")
    (tmp_path / "huge.toml").write_text(GOOD.replace("good-one", "huge") + "#" * MAX_THEME_BYTES + "\n")
    (tmp_path / "binary.toml").write_bytes(b"name = \xff\xfe\n")
    (tmp_path / "dup.toml").write_text(GOOD, encoding="utf-8")  # same name as a-good.toml
    (tmp_path / "shadow.toml").write_text('name = "pairjournal-dark"\nprimary = "red"\n', encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a theme", encoding="utf-8")
    (tmp_path / "folder.toml").mkdir()

    result = load_themes([tmp_path])

    names = [theme.name for theme in result.themes]
    assert "good-one" in names and names.count("good-one") == 1
    for name in SHIPPED:
        assert name in names
    by_file = {}
    for line in result.errors:
        assert "\n" not in line
        by_file.setdefault(Path(line.split(": ", 1)[0]).name, []).append(line)
    assert sorted(by_file) == [
        "bad-colour.toml",
        "bad-toml.toml",
        "binary.toml",
        "dup.toml",
        "huge.toml",
        "no-name.toml",
        "shadow.toml",
    ]
    assert all(len(lines) == 1 for lines in by_file.values())
    assert "too large" in by_file["huge.toml"][0]
    assert "not valid TOML" in by_file["bad-toml.toml"][0]
    assert "is not a colour" in by_file["bad-colour.toml"][0]
    assert "missing 'name'" in by_file["no-name.toml"][0]
    assert "already loaded" in by_file["shadow.toml"][0]
    # The shipped theme wins over a user file of the same name.
    dark = next(theme for theme in result.themes if theme.name == "pairjournal-dark")
    assert dark.primary != "red"


def test_loading_never_raises_on_odd_folders(tmp_path: Path) -> None:
    result = load_themes([tmp_path / "missing", tmp_path, tmp_path])
    assert isinstance(result, ThemeLoadResult)
    assert result.errors == []


def test_themes_module_does_not_reach_below_the_tui() -> None:
    import subprocess

    code = (
        "import sys, pairjournal.tui.themes\n"
        "bad = [m for m in ('sqlite3', 'sqlite_utils', 'cryptography') if m in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    src = Path(__file__).resolve().parents[1] / "src"
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(src), "PATH": ""},
    )
    assert out.stdout.strip() == ""


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_parse_theme_only_raises_theme_error_on_any_text(text: str) -> None:
    try:
        theme = parse_theme(text, "fuzz.toml")
    except ThemeError as error:
        assert "\n" not in str(error)
    else:
        assert isinstance(theme, Theme)


_colourish = st.one_of(
    st.sampled_from(["#fff", "#123456", "red", "rgb(1,2,3)", "hsl(10,50%,50%)", "ansi_red", "", "#12", "auto 87%"]),
    st.text(max_size=20),
    st.integers(),
    st.booleans(),
)
_toml_key = st.sampled_from(
    ["name", "dark", "primary", "secondary", "accent", "foreground", "background", "surface", "panel", "boost",
     "success", "warning", "error", "extra"]
)


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return '"' + "".join(c if c.isalnum() or c in " #%(),._-" else "" for c in str(value)) + '"'


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(_toml_key, _colourish, max_size=10),
    st.dictionaries(st.text(max_size=12), _colourish, max_size=4),
)
def test_parse_theme_only_raises_theme_error_on_theme_shaped_text(
    fields: dict[str, object], variables: dict[str, object]
) -> None:
    lines = [f"{key} = {_toml_value(value)}" for key, value in fields.items()]
    lines.append("[variables]")
    lines += [f"{_toml_value(key)} = {_toml_value(value)}" for key, value in variables.items()]
    text = "\n".join(lines) + "\n"
    try:
        theme = parse_theme(text, "shaped.toml")
    except ThemeError as error:
        assert "\n" not in str(error)
    else:
        app = App()
        app.register_theme(theme)
        assert app.get_theme(theme.name) is theme
