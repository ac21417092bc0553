"""Correcting, deleting and sharing a record, the same way from every screen that lists records.

A screen that shows records derives from ``EditingScreen`` (or, to keep its
own imports light, calls the functions here when a key is pressed) and binds
its keys (e edit, delete, s share) to ``edit_record``, ``delete_record`` and
``share_record`` with the record under the cursor. Each asks first where a
mistake would cost something: deleting says what goes with the record and
what an export already carried cannot be taken back. The journal's verbs do
the work and refuse what is not allowed (an archived pair is read-only); a
refusal becomes one notification.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pairjournal.errors import PairjournalError
from pairjournal.journal.outbound import Item
from pairjournal.journal.vocabulary import count_of, kind_name
from pairjournal.model import (
    ActionItem,
    Agreement,
    ObjectiveProgress,
    Pair,
    Prompt,
    Recognition,
    Reflection,
    Session,
    Takeaway,
)
from pairjournal.sharing import disclosures
from pairjournal.tui.presenters import badge, first_line
from pairjournal.tui.screens import where_it_lives
from pairjournal.tui.screens.common import JournalScreen
from pairjournal.tui.widgets.dialogs import AskText, ConfirmDialog
from pairjournal.tui.widgets.edits import edit_dialog
from pairjournal.tui.widgets.share import ShareDialog

Done = Callable[[], None] | None
ITEM_KINDS = (Takeaway, ActionItem, ObjectiveProgress, Recognition)


def _quoted(text: str, width: int = 70) -> str:
    line = first_line(text)
    return f"“{line if len(line) <= width else line[: width - 1] + '…'}”"


def _after(screen: JournalScreen, then: Done, message: str) -> None:
    screen.notify(message, markup=False)
    if then is not None:
        then()
    else:
        screen.reload()


# -- editing --------------------------------------------------------------------------------


def edit_record(screen: JournalScreen, entity: object, then: Done = None) -> None:
    if isinstance(entity, Reflection):
        screen.go_to(where_it_lives(screen.journal, entity))
        return
    dialog = edit_dialog(entity)
    if dialog is None:
        screen.notify("This record is not edited here.", severity="warning", markup=False)
        return

    def saved(result: Any) -> None:
        if result is None:
            return
        what = kind_name(getattr(result, "KIND", "record"))
        extra = f" ({badge(screen.journal, result)})" if isinstance(result, ITEM_KINDS) else ""
        _after(screen, then, f"Saved the {what}{extra}.")

    screen.app.push_screen(dialog, saved)

# -- sharing ----------------------------------------------------------------------------

def share_record(screen: JournalScreen, entity: object, then: Done = None) -> None:
    if not isinstance(entity, ITEM_KINDS):
        screen.notify("Only takeaways, action items, progress and recognition are shared.",
                    severity="warning", markup=False)
        return

    def shared(item: Item | None) -> None:
        if item is not None:
            _after(screen, then, f"Now {badge(screen.journal, item)}.")

    screen.app.push_screen(ShareDialog(entity), shared)

# -- deleting ---------------------------------------------------------------------------

def delete_record(screen: JournalScreen, entity: object, then: Done = None) -> None:
    if isinstance(entity, Pair):
        _delete_pair(screen, entity, then)
        return
    question, detail, work = _deletion(screen, entity)
    if work is None:
        screen.notify(question, severity="warning", markup=False)
        return

    def answered(yes: bool | None) -> None:
        if not yes:
            return
        try:
            message = work()
        except PairjournalError as error:
            screen.notify(str(error), severity="error", title="Not deleted", markup=False)
            return
        _after(screen, then, message)

    screen.app.push_screen(ConfirmDialog(question, detail, yes="Delete", no="Keep it"), answered)

def _deletion(screen: JournalScreen, entity: object) -> tuple[str, str, Callable[[], str] | None]:
    """The question, what it means, and the work; no work when the record is not deleted here."""
    journal = screen.journal
    match entity:
        case Takeaway() | ActionItem() | ObjectiveProgress() | Recognition():
            what = kind_name(entity.KIND)
            text = entity.evidence if isinstance(entity, ObjectiveProgress) else entity.text
            carried = disclosures.carrying(journal, entity.id)
            detail = "It goes from the journal, from search and from home at once."
            if carried:
                detail += (f" An export on {carried[0].when.date().isoformat()} carried it: that file cannot be "
                           "called back, and the disclosure log keeps its entry, which will say it was deleted "
                           "since.")
            return (f"Delete this {what}? {_quoted(text)}", detail,
                    lambda: _done(journal.delete_item(entity.id).KIND, "Deleted"))
        case Session() if entity.live:
            captured = _captured(screen, entity)
            return ("Discard this session?",
                    "For a session started by mistake: it goes with everything captured in it "
                    f"({captured}), leaves no trace and never counts as held.",
                    lambda: _done(journal.discard_session(entity.id).KIND, "Discarded"))
        case Session():
            captured = _captured(screen, entity)
            return (f"Delete the session of {entity.date.isoformat()}?",
                    f"Its notes and check-in go. What was captured in it ({captured}) stays, "
                    "no longer tied to it.",
                    lambda: _done(journal.delete_session(entity.id).KIND, "Deleted"))
        case Reflection():
            return (f"Delete this reflection? {_quoted(entity.text)}", "It cannot be brought back.",
                    lambda: _done(journal.delete_reflection(entity.id).KIND, "Deleted"))
        case Prompt() if entity.category.value == "custom":
            return (f"Delete my prompt? {_quoted(entity.text)}", "Reflections that answered it keep their text.",
                    lambda: _done(journal.delete_prompt(entity.id).KIND, "Deleted"))
        case Prompt():
            return ("Built-in prompts are part of pairjournal and cannot be deleted.", "", None)
    return ("This record cannot be deleted here.", "", None)

def _done(kind: str, verb: str) -> str:
    return f"{verb} the {kind_name(kind)}."

def _captured(screen: JournalScreen, session: Session) -> str:
    takeaways = len(screen.journal.takeaways(session.pair_id, session_id=session.id))
    actions = sum(1 for a in screen.journal.actions(session.pair_id) if a.session_id == session.id)
    return f"{count_of('takeaway', takeaways)}, {count_of('action', actions)}"

def _delete_pair(screen: JournalScreen, pair: Pair, then: Done) -> None:
    def typed(name: str | None) -> None:
        if name is None:
            return
        if name.strip().casefold() != pair.name.strip().casefold():
            screen.notify("The name did not match; nothing was deleted.", severity="warning", markup=False)
            return
        try:
            gone = screen.journal.delete_pair(pair.id)
        except PairjournalError as error:
            screen.notify(str(error), severity="error", title="Not deleted", markup=False)
            return
        if screen.host.selected_pair_id == pair.id:
            screen.host.selected_pair_id = None
        what = ", ".join(count_of(kind, n) for kind, n in sorted(gone.items())) or "nothing else"
        _after(screen, then, f"Deleted the pair with {pair.name} and {what}.")

    screen.app.push_screen(
        AskText(f"Delete the pair with {pair.name}?",
                label=(f"Every session, item and reflection of this pair goes; the disclosure log keeps its "
                       f"entries. Type {pair.name} to delete it."),
                required=True, hint="Enter deletes · Esc keeps it"),
        typed,
    )


def record_action_allowed(entity: object, action: str) -> bool:
    """Whether `e` (edit), `c` (share) or `del` (delete) applies to a record shown on its own."""
    if action in ("edit", "delete"):
        return entity is not None and not isinstance(entity, Agreement)
    if action == "share":
        return isinstance(entity, ITEM_KINDS)
    return True


class EditingScreen(JournalScreen):
    """A journal screen whose records can be corrected, deleted and shared from the keyboard."""

    def edit_record(self, entity: object, then: Done = None) -> None:
        edit_record(self, entity, then)

    def share_record(self, entity: object, then: Done = None) -> None:
        share_record(self, entity, then)

    def delete_record(self, entity: object, then: Done = None) -> None:
        delete_record(self, entity, then)


__all__ = ["EditingScreen", "delete_record", "edit_record", "record_action_allowed", "share_record"]
