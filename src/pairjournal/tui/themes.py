"""Themes as data: TOML files in the top-level ``themes/`` folder, turned into Textual themes.

A theme file holds one theme::

    name = "pairjournal-dark"        # [a-z0-9-], starting with a letter or digit
    dark = true                      # optional, default true
    primary = "#7db9c8"              # required; the other colours are optional
    secondary = "#a3ade0"
    ...                              # accent foreground background surface panel
                                     # success warning error boost
    [variables]                      # optional Textual theme variables
    "footer-key-foreground" = "#7db9c8"

Loading never raises: every file that cannot be used becomes one line in
``ThemeLoadResult.errors`` naming the file and the problem, and the rest still load.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from textual.color import Color
from textual.css.constants import VALID_STYLE_FLAGS
from textual.css.tokenize import tokenize_value
from textual.design import ColorSystem
from textual.theme import Theme

from pairjournal.boundedio import open_regular
from pairjournal.errors import UsageError

__all__ = [
    "DEFAULT_THEME",
    "MAX_THEME_BYTES",
    "ThemeError",
    "ThemeLoadResult",
    "load_themes",
    "parse_theme",
    "theme_dirs",
]

DEFAULT_THEME = "pairjournal-dark"
MAX_THEME_BYTES = 64 * 1024

COLOUR_KEYS = (
    "primary",
    "secondary",
    "accent",
    "foreground",
    "background",
    "surface",
    "panel",
    "success",
    "warning",
    "error",
    "boost",
)
ALLOWED_KEYS = frozenset({"name", "dark", "variables", *COLOUR_KEYS})

_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
_VARIABLE_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
_PERCENT = re.compile(r"\d{1,3}(\.\d+)?%")
_MAX_COLOUR_CHARS = 64
_MAX_VARIABLE_CHARS = 100
_MAX_VARIABLES = 200
_MAX_MESSAGE_CHARS = 300
_SHADE_SUFFIXES = ("", "-lighten-1", "-lighten-2", "-lighten-3", "-darken-1", "-darken-2", "-darken-3")
# Shades Textual computes from and blends with, so they must be one plain colour.
_PLAIN_COLOUR_VARIABLES = frozenset(
    f"{base}{suffix}" for base in (*ColorSystem.COLOR_NAMES, "foreground") for suffix in _SHADE_SUFFIXES
)
# Variables Textual itself reads as colours (text, border, scrollbar-hover, ...).
_COLOUR_VARIABLES = frozenset(
    name for name in ColorSystem(primary="#000000").generate() if "style" not in name.split("-")
)


class ThemeError(ValueError):
    """A theme file that cannot be used; the message is one line naming the file."""


@dataclass
class ThemeLoadResult:
    themes: list[Theme] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        return [theme.name for theme in self.themes]


def _one_line(text: str) -> str:
    line = " ".join(str(text).split())
    if len(line) > _MAX_MESSAGE_CHARS:
        line = line[: _MAX_MESSAGE_CHARS - 1] + "…"
    return line


def _show(value: object, limit: int = 40) -> str:
    """A short, escaped rendering of something the file contained."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _type_name(value: object) -> str:
    return {
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        str: "a string",
        list: "an array",
        dict: "a table",
    }.get(type(value), type(value).__name__)


def _check_colour(key: str, value: object) -> str:
    if not isinstance(value, str):
        raise ThemeError(f"{key!r} must be a colour string, not {_type_name(value)}")
    if not value or len(value) > _MAX_COLOUR_CHARS:
        raise ThemeError(f"{key!r} is not a colour: {_show(value)}")
    try:
        Color.parse(value)
    except Exception:
        raise ThemeError(f"{key!r} is not a colour: {_show(value)}") from None
    return value


def _colour_value_ok(name: str, words: list[str]) -> bool:
    """Whether Textual's CSS will take ``words`` as the colour variable ``name``."""
    colour, *rest = words
    if name in _PLAIN_COLOUR_VARIABLES:
        if rest or colour in ("auto", "initial"):
            return False
    elif len(rest) > 1 or not all(_PERCENT.fullmatch(word) for word in rest):
        return False
    parts = name.split("-")
    text_like = parts[0] == "text" or "foreground" in parts or "color" in parts
    if colour == "auto":
        return text_like
    if colour == "initial":
        return not rest and (text_like or parts[-1] == "background")
    try:
        Color.parse(colour)
    except Exception:
        return False
    return True


def _check_variable(name: object, value: object) -> tuple[str, str]:
    if not isinstance(name, str) or not _VARIABLE_NAME.fullmatch(name):
        raise ThemeError(f"variable name {_show(name)} must use only a-z, 0-9 and '-'")
    if not isinstance(value, str):
        raise ThemeError(f"variable {name!r} must be a string, not {_type_name(value)}")
    words = value.split()
    if not words or len(value) > _MAX_VARIABLE_CHARS or not value.isprintable():
        raise ThemeError(f"variable {name!r} has an unusable value: {_show(value)}")
    if any(char in value for char in ";{}$"):
        raise ThemeError(f"variable {name!r} may not contain ';', '{{', '}}' or '$'")
    try:
        list(tokenize_value(value, ("theme", "")))
    except Exception:
        raise ThemeError(f"variable {name!r} is not a valid CSS value: {_show(value)}") from None
    names_a_colour = name in _COLOUR_VARIABLES or name.endswith(("background", "foreground", "color"))
    if "style" in name.split("-"):
        unknown = [word for word in words if word not in VALID_STYLE_FLAGS]
        if unknown:
            raise ThemeError(f"variable {name!r} has an unknown text style: {_show(unknown[0])}")
    elif names_a_colour and not _colour_value_ok(name, words):
        raise ThemeError(f"variable {name!r} is not a colour here: {_show(value)}")
    # Any other variable is the app's own: tokenizing as a CSS value is all we can check.
    return name, value


def _build(data: dict[str, Any]) -> Theme:
    unknown = sorted(str(key) for key in data if key not in ALLOWED_KEYS)
    if unknown:
        raise ThemeError(f"unknown key {_show(unknown[0])} (allowed: {', '.join(sorted(ALLOWED_KEYS))})")
    if "name" not in data:
        raise ThemeError("missing 'name'")
    name = data["name"]
    if not isinstance(name, str):
        raise ThemeError(f"'name' must be a string, not {_type_name(name)}")
    if not _NAME.fullmatch(name):
        raise ThemeError(
            f"name {_show(name)} must be 1-64 characters of a-z, 0-9 and '-', starting with a letter or digit"
        )

    if "primary" not in data:
        raise ThemeError("missing 'primary' (the one colour every theme needs)")

    dark = data.get("dark", True)
    if not isinstance(dark, bool):
        raise ThemeError(f"'dark' must be true or false, not {_type_name(dark)}")

    colours = {key: _check_colour(key, data[key]) for key in COLOUR_KEYS if key in data}

    raw_variables = data.get("variables", {})
    if not isinstance(raw_variables, dict):
        raise ThemeError(f"'variables' must be a table, not {_type_name(raw_variables)}")
    if len(raw_variables) > _MAX_VARIABLES:
        raise ThemeError(f"too many variables ({len(raw_variables)}, at most {_MAX_VARIABLES})")
    variables = dict(_check_variable(key, value) for key, value in raw_variables.items())

    get = colours.get  # a key left out keeps Textual's default (None: derived from the others)
    theme = Theme(
        name=name,
        primary=colours["primary"],
        secondary=get("secondary"),
        accent=get("accent"),
        foreground=get("foreground"),
        background=get("background"),
        surface=get("surface"),
        panel=get("panel"),
        success=get("success"),
        warning=get("warning"),
        error=get("error"),
        boost=get("boost"),
        dark=dark,
        variables=variables,
    )
    try:
        # The same work App.register_theme's first use does: prove the colours combine.
        theme.to_color_system().generate()
    except Exception as error:
        raise ThemeError(f"the colours do not combine into a theme ({type(error).__name__})") from None
    return theme


def parse_theme(text: str, source: str) -> Theme:
    """Parse one theme file's text; ``source`` names it in error messages.

    Raises ThemeError, with a one-line message, for any problem, and nothing else.
    """
    try:
        label = _one_line(source) or "<theme>"
    except Exception:
        label = "<theme>"
    try:
        if not isinstance(text, str):
            raise ThemeError(f"expected text, not {type(text).__name__}")
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise ThemeError(f"not valid TOML: {error}") from None
        return _build(data)
    except ThemeError as error:
        raise ThemeError(_one_line(f"{label}: {error}")) from None
    except Exception as error:  # the parse boundary: nothing else escapes
        raise ThemeError(_one_line(f"{label}: unreadable theme ({type(error).__name__})")) from None


def _package_themes() -> Path | None:
    try:
        candidate = resources.files("pairjournal") / "themes"
        if candidate.is_dir():
            return Path(str(candidate))
    except Exception:
        pass
    return None


def theme_dirs(user_dir: Path | None = None) -> list[Path]:
    """Folders to read themes from, in priority order.

    The installed package's copy (the wheel force-includes top-level ``themes/``
    as ``pairjournal/themes``) or, in a source checkout or editable install, the
    repository's top-level ``themes/``; then ``user_dir`` if given.
    """
    dirs: list[Path] = []
    shipped = _package_themes()
    if shipped is None:
        repo = Path(__file__).resolve().parents[3] / "themes"
        if repo.is_dir():
            shipped = repo
    if shipped is not None:
        dirs.append(shipped)
    if user_dir is not None:
        dirs.append(Path(user_dir))
    return dirs


def _read_theme_file(path: Path) -> Theme:
    """Read and parse one file; every failure becomes a ThemeError."""
    label = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_THEME_BYTES:
            raise ThemeError(f"{label}: too large ({size} bytes, at most {MAX_THEME_BYTES})")
        with open_regular(path, "theme file") as handle:  # a FIFO named *.toml must not hang start-up
            raw = handle.read(MAX_THEME_BYTES + 1)
        if len(raw) > MAX_THEME_BYTES:
            raise ThemeError(f"{label}: too large (over {MAX_THEME_BYTES} bytes)")
        text = raw.decode("utf-8")
    except ThemeError:
        raise
    except UsageError as error:
        raise ThemeError(_one_line(str(error))) from None
    except UnicodeDecodeError:
        raise ThemeError(f"{label}: not UTF-8 text") from None
    except OSError as error:
        raise ThemeError(_one_line(f"{label}: cannot read ({error.strerror or type(error).__name__})")) from None
    return parse_theme(text, label)


def load_themes(extra_dirs: Iterable[Path] = ()) -> ThemeLoadResult:
    """Load every ``*.toml`` theme from theme_dirs() then ``extra_dirs``. Never raises.

    Files are read in name order within each folder; when two themes share a
    name the first one wins and the later file is reported.
    """
    result = ThemeLoadResult()
    loaded_from: dict[str, str] = {}
    seen_dirs: set[Path] = set()
    try:
        folders = [*theme_dirs(), *extra_dirs]
    except Exception as error:
        result.errors.append(_one_line(f"theme folders: cannot list ({type(error).__name__})"))
        return result
    for folder in folders:
        try:
            folder = Path(folder)
            key = folder.resolve()
            if key in seen_dirs:
                continue
            seen_dirs.add(key)
            if not folder.is_dir():
                continue
            files = sorted(p for p in folder.glob("*.toml") if p.is_file())
        except Exception as error:
            result.errors.append(_one_line(f"{folder}: cannot list themes ({type(error).__name__})"))
            continue
        for path in files:
            try:
                theme = _read_theme_file(path)
            except ThemeError as error:
                result.errors.append(_one_line(str(error)))
                continue
            except Exception as error:  # belt and braces: loading never raises
                result.errors.append(_one_line(f"{path}: unreadable theme ({type(error).__name__})"))
                continue
            if theme.name in loaded_from:
                result.errors.append(
                    _one_line(f"{path}: theme {theme.name!r} is already loaded from {loaded_from[theme.name]}; skipped")
                )
                continue
            loaded_from[theme.name] = str(path)
            result.themes.append(theme)
    return result
