"""Help: the keys of the screen underneath, grouped, and one line on what that screen is for.

``?`` or F1 opens it over any screen or dialog (pairjournal.tui.keys.HELP, bound on
the app); Esc, ``?`` or F1 closes it. What it lists is read from the screen itself,
so it cannot drift from what the keys do:

- the screen's own bindings (its classes of ours, most derived first), grouped by
  their ``Binding.Group``, shown or hidden in the footer alike;
- the bindings of our widgets on it (the check-in's mood keys, say), by group;
- the app's bindings and the command palette, "everywhere".

Each key is the one it has after the person's keymap, and a key the screen does not
allow just now is marked so. The line on what the screen is for is its ``HELP``
class attribute, else the help of its place in pairjournal.tui.places, else the
first line of its docstring. Nothing from the journal is shown here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from textual.actions import parse
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from pairjournal.tui.compat import current_keymap
from pairjournal.tui.keys import HELP, PALETTE_HELP, bindings_of, key_text, ours
from pairjournal.tui.places import DESTINATIONS
from pairjournal.tui.rows import LABEL, MUTED, Row, field
from pairjournal.tui.seam import Hosted
from pairjournal.tui.widgets.document import Document

THIS_SCREEN = "This screen"
EVERYWHERE = "Everywhere"
KEY_WIDTH = 14


def purpose_of(screen: Screen[Any]) -> str:
    """One line on what ``screen`` is for, in the person's words where the screen has them."""
    cls = type(screen)
    written = getattr(cls, "HELP", "")
    if isinstance(written, str) and written.strip():
        return written.strip()
    for destination in DESTINATIONS.values():
        if destination.cls == cls.__name__:
            return destination.help + "."
    doc = (cls.__doc__ or "").strip()
    return doc.splitlines()[0] if doc else ""


def title_of(screen: Screen[Any]) -> str:
    for name in ("sub_title", "title"):
        value = getattr(screen, name, "")
        if isinstance(value, str) and value.strip() and value != screen.app.title:
            return value.strip()
    for name in ("dialog_title", "TITLE", "SUB_TITLE", "PALETTE_GROUP"):
        value = getattr(screen, name, "")
        if isinstance(value, str) and value.strip():
            return value.strip()
    return type(screen).__name__


def _allowed(screen: Screen[Any], binding: Binding) -> bool:
    if "." in binding.action:
        return True  # another namespace's action (app.help): not the screen's to allow
    _, name, params = parse(binding.action)
    return screen.check_action(name, params) is True


def _grouped(bindings: list[tuple[Binding, bool]], default: str) -> Iterator[tuple[str, list[tuple[Binding, bool]]]]:
    """Bindings in their groups, each group where its first key is, ungrouped ones under ``default``."""
    order: dict[str, list[tuple[Binding, bool]]] = {}
    for binding, allowed in bindings:
        name = binding.group.description if binding.group and binding.group.description else default
        order.setdefault(name, []).append((binding, allowed))
    yield from order.items()


HelpLine = tuple[str, str, bool, str]


def help_sections(screen: Screen[Any]) -> list[tuple[str, list[HelpLine]]]:
    """(group title, [(keys, what they do, allowed now, binding id)]) for the screen under help."""
    app = screen.app
    keymap = current_keymap(app)
    sections: list[tuple[str, list[HelpLine]]] = []

    def add(title: str, entries: list[tuple[Binding, bool]]) -> None:
        lines = [(key_text(app, b, keymap), b.tooltip or b.description, allowed, b.id or "")
                 for b, allowed in entries if (b.tooltip or b.description) and b.action != HELP.action]
        if lines:
            sections.append((title, lines))

    own = [(b, _allowed(screen, b)) for b in bindings_of(type(screen))]
    for title, entries in _grouped(own, THIS_SCREEN):
        add(title, entries)
    seen_classes: set[type] = set()
    widget_bindings: list[tuple[Binding, bool]] = []
    for widget in screen.walk_children(with_self=False):
        cls = type(widget)
        if cls in seen_classes or not ours(cls):
            continue
        seen_classes.add(cls)
        widget_bindings += [(b, True) for b in bindings_of(cls)]
    for title, entries in _grouped(widget_bindings, "Other keys here"):
        add(title, entries)
    everywhere = [(b, True) for b in bindings_of(type(app))]
    add(EVERYWHERE, everywhere)
    palette = key_text(app, Binding(app.COMMAND_PALETTE_BINDING, "command_palette"), keymap)
    help_keys = key_text(app, HELP, keymap)
    extra: list[HelpLine] = [(palette, PALETTE_HELP, True, ""),
                             (help_keys, "This help; Esc closes it", True, HELP.id or "")]
    if sections and sections[-1][0] == EVERYWHERE:
        sections[-1][1].extend(extra)
    else:
        sections.append((EVERYWHERE, extra))
    return sections


# What the text beside a key may take at 80 columns (the box, its padding and the key column aside).
VALUE_WIDTH = 54


def help_rows(screen: Screen[Any]) -> list[Row]:
    rows: list[Row] = []
    for title, lines in help_sections(screen):
        if rows:
            rows.append(Content(""))
        rows.append(Content.styled(title, LABEL))
        shown = [(keys, words if allowed else f"{words} (not available just now)", allowed, binding_id)
                 for keys, words, allowed, binding_id in lines]
        # The ids in a column of their own when the section fits 80 columns that way, else just after.
        # Only lines with an id set the column: the palette's long line has none and would push it out.
        with_id = [(words, binding_id) for _, words, _, binding_id in shown if binding_id]
        widest = max((len(words) for words, _ in with_id), default=0)
        longest_id = max((len(binding_id) for _, binding_id in with_id), default=0)
        pad = widest if widest + 2 + longest_id <= VALUE_WIDTH else 0
        for keys, words, allowed, binding_id in shown:
            value = Content(words.ljust(pad)) if allowed else Content.styled(words.ljust(pad), MUTED)
            if binding_id:
                # The id is what a [keymap] line in config.toml names to give this action another key.
                value = Content.assemble(value, (f"  {binding_id}", MUTED))
            rows.append(field(keys, value, label_width=KEY_WIDTH, label_style="bold $text-accent"))
    return rows


class HelpScreen(Hosted, ModalScreen[None]):
    """The keys of the screen underneath, and what it is for."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "Close", id="help.close", tooltip="Close help"),
    ]

    def __init__(self, target: Screen[Any]) -> None:
        super().__init__(classes="pj-modal help")
        self.target = target

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="pj-dialog help-box"):
            yield Static(f"Help · {title_of(self.target)}", classes="pj-dialog-title", markup=False)
            purpose = purpose_of(self.target)
            if purpose:
                yield Static(purpose, classes="help-purpose", markup=False)
            yield Document(help_rows(self.target), id="help-keys")
            keymap = current_keymap(self.app)
            closes = key_text(self.app, HELP, keymap).split(" ")[0]
            palette = key_text(self.app, Binding(self.app.COMMAND_PALETTE_BINDING, "command_palette"), keymap)
            yield Static(f"Esc or {closes} closes help. The palette ({palette}) runs any of these by name.",
                         classes="pj-hint pj-keys help-hint", markup=False)


def toggle_help(app: App[Any]) -> None:
    """Opens help over the current screen, or closes it when it is what is showing."""
    from textual.command import CommandPalette

    screen = app.screen
    if isinstance(screen, HelpScreen):
        screen.dismiss(None)
    elif not isinstance(screen, CommandPalette):  # the palette is its own help: it lists everything by name
        app.push_screen(HelpScreen(screen))


__all__ = ["HelpScreen", "help_rows", "help_sections", "purpose_of", "title_of", "toggle_help"]
