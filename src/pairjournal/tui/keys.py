"""Keys: the help key every screen shares, every binding of ours, and the key each one has after a keymap.

Every ``Binding`` in the interface has an id (a test walks them all), so a person
can give any action another key from their config (pairjournal.tui.config) and
Textual applies it through ``App.set_keymap``. What this module adds:

- ``HELP``: ``?`` and F1, bound once on the app with priority, so it works on every
  screen and over dialogs. A text field still takes ``?`` as a character: Textual
  drops a key from the bindings above a widget that consumes it (Input, TextArea),
  priority bindings included; F1 works there too.
- ``bindings_of``: a class's own bindings, ours only, in footer order.
- ``all_bindings``: every binding of every class under pairjournal.tui, by id. It imports
  every screen module, so it is called from a worker (the keymap check) or a test,
  never on the way to the first screen.
- ``keys_of``: the keys a binding answers to once the app's keymap is applied, and how
  they read on screen.

Cheap to import: textual's binding module only.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from textual.binding import Binding

if TYPE_CHECKING:
    from textual.app import App

# Priority, so it reaches past a dialog; it still never takes "?" from a field that types it.
HELP = Binding("question_mark,f1", "app.help", "Help", id="app.help", priority=True,
               tooltip="The keys of this screen, and what it is for")
# The command palette is Textual's own binding (App.COMMAND_PALETTE_BINDING); help lists it with this wording.
PALETTE_HELP = "Command palette: every action and place, by name"

PACKAGE = "pairjournal.tui"


def ours(cls: type) -> bool:
    return cls.__module__.startswith("pairjournal.")


def bindings_of(cls: type) -> list[Binding]:
    """The bindings the classes of ours in ``cls``'s MRO declare, most derived first, each action once."""
    found: list[Binding] = []
    seen: set[str] = set()
    for klass in cls.__mro__:
        if not ours(klass):
            continue
        for binding in klass.__dict__.get("BINDINGS", ()):
            if isinstance(binding, Binding) and binding.action not in seen:
                seen.add(binding.action)
                found.append(binding)
    return found


def _modules() -> Iterator[Any]:
    package = importlib.import_module(PACKAGE)
    yield package
    for info in pkgutil.walk_packages(package.__path__, f"{PACKAGE}."):
        yield importlib.import_module(info.name)


def binding_classes() -> Iterator[type]:
    """Every class under pairjournal.tui that declares bindings of its own."""
    for module in _modules():
        for value in vars(module).values():
            if inspect.isclass(value) and value.__module__ == module.__name__ and value.__dict__.get("BINDINGS"):
                yield value


def declared_bindings() -> Iterator[tuple[str, Binding]]:
    """(where, binding) for every Binding a class or module under pairjournal.tui declares."""
    for module in _modules():
        for name, value in vars(module).items():
            if isinstance(value, Binding):
                yield f"{module.__name__}.{name}", value
            elif inspect.isclass(value) and value.__module__ == module.__name__:
                for binding in value.__dict__.get("BINDINGS", ()):
                    if isinstance(binding, Binding):
                        yield f"{module.__name__}.{value.__qualname__}", binding


def all_bindings() -> dict[str, Binding]:
    """Every binding of ours, by id (the ids a keymap may name)."""
    return {binding.id: binding for _, binding in declared_bindings() if binding.id}


def clashes(keymap: Mapping[str, str], app_class: type | None = None) -> list[str]:
    """Where the keymap gives one key to two actions of one screen (or of a screen and the app).

    ``keymap`` as Textual normalised it (compat.current_keymap). Textual itself lets the
    remapped binding win silently, so this is said once, with the rest of the config's problems.
    """
    from textual.app import App

    app_bindings = bindings_of(app_class) if app_class is not None else []
    found: set[str] = set()
    for cls in binding_classes():
        if issubclass(cls, App):
            continue
        taken: dict[str, dict[str, Binding]] = {}
        for binding in [*bindings_of(cls), *app_bindings]:
            for key in keys_of(binding, keymap):
                taken.setdefault(key, {})[binding.id or binding.action] = binding
        for key, holders in taken.items():
            if len(holders) > 1 and any(i in keymap for i in holders):
                named = " and ".join(f"{b.tooltip or b.description} ({i})" for i, b in sorted(holders.items()))
                found.add(f"{key} is now both {named}: only one of them answers")
    return sorted(found)


def keys_of(binding: Binding, keymap: Mapping[str, str]) -> list[str]:
    """The keys ``binding`` answers to under ``keymap`` (Textual's long names: "question_mark")."""
    keys = keymap.get(binding.id, "") if binding.id else ""
    return [key.strip() for key in (keys or binding.key).split(",") if key.strip()]


def key_text(app: App[Any], binding: Binding, keymap: Mapping[str, str]) -> str:
    """How the keys of ``binding`` read on screen, as the footer shows them ("?", "^s", "esc")."""
    shown = []
    for key in keys_of(binding, keymap):
        if binding.key_display and key == binding.key and not (binding.id and binding.id in keymap):
            shown.append(binding.key_display)
        else:
            shown.append(app.get_key_display(binding.with_key(key)))
    return " ".join(shown)


__all__ = ["HELP", "PALETTE_HELP", "all_bindings", "binding_classes", "bindings_of", "clashes", "declared_bindings",
           "key_text", "keys_of", "ours"]
