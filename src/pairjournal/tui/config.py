"""The interface's own small config file: keys only, nothing private.

A TOML file, ``config.toml`` in the platform's config folder (platformdirs'
``user_config_dir("pairjournal")``: ``~/.config/pairjournal`` on Linux), or the file
named by ``PAIRJOURNAL_CONFIG``. It holds one table::

    [keymap]
    "session.takeaway" = "ctrl+k"     # a binding id = one key, or several: "ctrl+k,f5"
    "app.help" = "f1"

Every id is a binding's (help and the palette show what each key does; the README
lists where to find the ids). Nothing from the journal belongs here, and nothing is
read but keys: the file lives outside the journal, unencrypted.

Reading never raises. A missing file is no config. Anything wrong (not TOML, too
large, a FIFO, an unknown setting, a value that is not a key) becomes one line in
``UserConfig.problems``; every good entry is still used. Whether each id exists
is checked apart (``unknown_ids``), because knowing every id means importing every
screen, which start-up does not pay for (the app does it in a worker).
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from textual.keys import REPLACED_KEYS, Keys, key_to_character

from pairjournal.boundedio import read_bounded
from pairjournal.errors import UsageError

CONFIG_ENV = "PAIRJOURNAL_CONFIG"
CONFIG_NAME = "config.toml"
# A keymap of every binding is a few kilobytes; far above that, far below harm.
CONFIG_LIMIT = 64 * 1024
MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})
_NAMED_KEYS = frozenset(key.value for key in Keys if not key.value.startswith("<"))
_MAX_KEYS_CHARS = 100
_MAX_SHOWN = 40


def config_path() -> Path:
    """Where the config is read from: $PAIRJOURNAL_CONFIG, else the platform's config folder."""
    named = os.environ.get(CONFIG_ENV, "").strip()
    if named:
        return Path(named).expanduser()
    import platformdirs

    return platformdirs.user_config_path("pairjournal", appauthor=False) / CONFIG_NAME


@dataclass
class UserConfig:
    path: Path
    keymap: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def _show(value: object) -> str:
    text = repr(value)
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 1] + "…"


def _key_ok(key: str) -> bool:
    """Whether Textual can name ``key`` ("ctrl+k", "f5", "question_mark", "?", "slash")."""
    *modifiers, base = key.split("+")
    if any(m not in MODIFIERS for m in modifiers) or not base:
        return False
    if len(base) == 1:
        return base.isprintable() and not base.isspace()
    if base in _NAMED_KEYS or key_to_character(base) is not None:
        return True
    replaced = REPLACED_KEYS.get(base)  # Textual's short names for some characters: "slash", "plus"
    return replaced is not None and key_to_character(replaced) is not None


def check_keys(value: object) -> str | None:
    """What is wrong with ``value`` as the keys of one binding, or None."""
    if not isinstance(value, str):
        return f"must be a key in quotes, such as \"ctrl+k\", not {type(value).__name__}"
    if not value.strip() or len(value) > _MAX_KEYS_CHARS or not value.isprintable():
        return f"has no usable key: {_show(value)}"
    keys = [key.strip() for key in value.split(",")]
    bad = [key for key in keys if not _key_ok(key)]
    if bad:
        return f"{_show(bad[0])} is not a key name (examples: \"ctrl+k\", \"f5\", \"question_mark\", \"x\")"
    return None


def parse_config(text: str, path: Path) -> UserConfig:
    """The config in ``text``; every problem one line naming the file."""
    config = UserConfig(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        config.problems.append(f"{path}: not valid TOML ({error})")
        return config
    for name in sorted(set(data) - {"keymap"}):
        config.problems.append(f"{path}: unknown setting {_show(name)} (only [keymap] is read)")
    table = data.get("keymap", {})
    if not isinstance(table, dict):
        config.problems.append(f"{path}: keymap must be a table ([keymap]), not {type(table).__name__}")
        return config
    for binding_id, keys in table.items():
        problem = check_keys(keys)
        if problem is not None:
            config.problems.append(f"{path}: keymap {_show(binding_id)} {problem}")
        else:
            assert isinstance(keys, str)
            config.keymap[binding_id] = ",".join(key.strip() for key in keys.split(","))
    return config


def read_config(path: Path | None = None) -> UserConfig:
    """The config at ``path`` (default: config_path()); never raises, a missing file is an empty config."""
    try:
        path = path if path is not None else config_path()
    except Exception as error:  # no home folder to find, say: the app runs with its own keys
        return UserConfig(Path(CONFIG_NAME), problems=[f"the config folder cannot be found ({type(error).__name__})"])
    try:
        if not os.path.lexists(path):
            return UserConfig(path)
        raw = read_bounded(path, CONFIG_LIMIT, "config file")
    except UsageError as error:  # a FIFO, a device, a folder, too large, unreadable: one line each
        return UserConfig(path, problems=[str(error)])
    except OSError as error:
        return UserConfig(path, problems=[f"cannot read the config file {path}: {error.strerror or error}"])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return UserConfig(path, problems=[f"{path}: not UTF-8 text"])
    return parse_config(text, path)


def unknown_ids(config: UserConfig, known: Iterable[str]) -> list[str]:
    """The ids in the keymap that name no binding; they are dropped from it, each a problem."""
    names = set(known)
    unknown = [binding_id for binding_id in config.keymap if binding_id not in names]
    for binding_id in unknown:
        del config.keymap[binding_id]
        config.problems.append(f"{config.path}: keymap {_show(binding_id)} is not a binding id "
                               "(help, ? or F1, shows each screen's keys; the README lists the ids)")
    return unknown


__all__ = ["CONFIG_ENV", "CONFIG_LIMIT", "CONFIG_NAME", "UserConfig", "check_keys", "config_path", "parse_config",
           "read_config", "unknown_ids"]
