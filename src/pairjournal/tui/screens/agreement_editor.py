"""A draft of an agreement's next version: every field of the current one, prefilled; ctrl+s saves it.

Saving adds a version and never changes an earlier one; a draft left unsaved is
asked about on the way out, and kept as a version when a lock interrupts it.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Header, Input, Label, Select, Static, TextArea

from pairjournal.errors import UsageError
from pairjournal.journal.charter import TEXT_FIELDS
from pairjournal.journal.vocabulary import DATE_EXAMPLES
from pairjournal.model import Cadence, Objective, Pair
from pairjournal.tui.presenters import fmt_day
from pairjournal.tui.screens.common import BACK, JournalScreen
from pairjournal.tui.widgets.date_input import DateInput
from pairjournal.tui.widgets.dialogs import ConfirmDialog
from pairjournal.tui.widgets.footer import KeyFooter


class ObjectiveFields(Vertical):
    """The three inputs of one objective: outcome, evidence, timebox."""

    def __init__(self, objective: Objective | None, number: int) -> None:
        super().__init__(classes="objective")
        self.objective_id = objective.id if objective else None
        self.initial = objective
        self.border_title = f"Objective {number}"

    def compose(self) -> ComposeResult:
        obj = self.initial
        rows = (
            ("Outcome", "outcome", obj.outcome if obj else "", "What will be observably different"),
            ("Evidence", "evidence", obj.evidence if obj else "", "What will show it happened"),
        )
        for label, name, value, placeholder in rows:
            with Horizontal(classes="objective-row"):
                yield Label(label)
                yield Input(value, placeholder=placeholder, classes=name, compact=True)
        with Horizontal(classes="objective-row"):
            yield Label("Timebox")
            yield DateInput(fmt_day(obj.timebox) if obj and obj.timebox else "", input_classes="timebox",
                            placeholder=f"optional: {DATE_EXAMPLES}", inline=True, compact=True)

    def read(self, number: int) -> Objective | None:
        outcome = self.query_one(".outcome", Input).value.strip()
        evidence = self.query_one(".evidence", Input).value.strip()
        timebox_field = self.query_one(DateInput)
        if not outcome:
            if evidence or timebox_field.value.strip():
                raise UsageError(f"objective {number} needs an observable outcome")
            return None
        try:
            timebox = timebox_field.day()
        except UsageError as error:
            raise UsageError(f"objective {number} timebox: {error}") from None
        if self.objective_id:
            return Objective(outcome=outcome, evidence=evidence, timebox=timebox, id=self.objective_id)
        return Objective(outcome=outcome, evidence=evidence, timebox=timebox)


class AgreementEditor(JournalScreen):
    """A draft of the next version, prefilled from the current one; ctrl+s saves it."""

    HELP = ("The agreement's next version, prefilled from the current one: ctrl+s saves it as a new version, "
            "and every earlier version stays as it was.")
    PALETTE_GROUP = "Agreement draft"
    BINDINGS: ClassVar[list[BindingType]] = [
        BACK,
        Binding("ctrl+s", "save", "Save version", id="agreement_editor.save"),
        Binding("ctrl+n", "add_objective", "Add objective", id="agreement_editor.add_objective"),
        Binding("ctrl+r", "remove_objective", "Remove objective", id="agreement_editor.remove_objective"),
    ]

    def __init__(self, pair_id: str, *, add_objective: bool = False) -> None:
        super().__init__()
        self.pair_id = pair_id
        self.add_objective_on_mount = add_objective
        self.initial_fields: dict[str, Any] | None = None

    def compose(self) -> ComposeResult:
        pair = self.journal.find(self.pair_id)
        current = self.journal.agreement(self.pair_id)
        cadence = current.cadence if current else (pair.cadence if isinstance(pair, Pair) else Cadence.BIWEEKLY)
        minutes = current.minutes if current else (pair.minutes if isinstance(pair, Pair) else 30)
        number = current.version + 1 if current else 1
        yield Header()
        with VerticalScroll(id="editor-form"):
            yield Static(
                f"Writing version {number}. Saving keeps every earlier version as it was; "
                "both acknowledgements start blank again.",
                classes="hint",
            )
            # Two columns from 120 wide (what is measured on the left, the words on the right), one below.
            with Horizontal(id="editor-columns"):
                with Vertical(id="editor-left", classes="editor-column"):
                    yield Static("Objectives", classes="section-title")
                    with Vertical(id="objectives"):
                        for index, objective in enumerate(current.objectives if current else [], 1):
                            yield ObjectiveFields(objective, index)
                    yield Static("ctrl+n adds an objective · ctrl+r removes the one you are in", classes="hint")
                    with Horizontal(classes="field-row"):
                        with Vertical():
                            yield Label("Cadence")
                            yield Select([(c.value, c.value) for c in Cadence], value=cadence.value,
                                         allow_blank=False, id="f-cadence")
                        with Vertical():
                            yield Label("Minutes a session")
                            yield Input(str(minutes), type="integer", id="f-minutes")
                    yield Label("Review date")
                    yield DateInput(fmt_day(current.review_date) if current and current.review_date else "",
                                    input_id="f-review", inline=True, id="f-review-field")
                with Vertical(id="editor-right", classes="editor-column"):
                    for name, label, hint in TEXT_FIELDS:
                        yield Label(label)
                        yield TextArea(getattr(current, name) if current else "", id=f"f-{name}", placeholder=hint,
                                       classes="long-text")
        yield KeyFooter()

    async def on_mount(self) -> None:
        pair = self.journal.find(self.pair_id)
        self.title = "New agreement version"
        self.sub_title = pair.name if isinstance(pair, Pair) else ""
        self.initial_fields = self._raw()
        if self.add_objective_on_mount or not self.query(ObjectiveFields):
            await self.action_add_objective()
        else:
            self.query_one(ObjectiveFields).query_one(Input).focus()

    def _raw(self) -> dict[str, Any]:
        """What the form holds, unparsed, to tell whether anything was typed."""
        raw: dict[str, Any] = {name: self.query_one(f"#f-{name}", TextArea).text for name, _, _ in TEXT_FIELDS}
        raw["cadence"] = self.query_one("#f-cadence", Select).selection
        raw["minutes"] = self.query_one("#f-minutes", Input).value
        raw["review"] = self.query_one("#f-review", Input).value
        raw["objectives"] = [tuple(i.value for i in row.query(Input)) for row in self.query(ObjectiveFields)]
        return raw

    def _has_changes(self) -> bool:
        raw = self._raw()
        raw["objectives"] = [o for o in raw["objectives"] if any(v.strip() for v in o)]
        assert self.initial_fields is not None
        initial = dict(self.initial_fields, objectives=[o for o in self.initial_fields["objectives"]
                                                        if any(v.strip() for v in o)])
        return raw != initial

    def gather(self) -> dict[str, Any]:
        """The new version's fields; raises UsageError naming the first bad one."""
        rows = list(self.query(ObjectiveFields))
        objectives = [o for n, row in enumerate(rows, 1) if (o := row.read(n)) is not None]
        minutes_text = self.query_one("#f-minutes", Input).value.strip()
        if not minutes_text.isdigit() or not 1 <= int(minutes_text) <= 600:
            raise UsageError("minutes a session must be a whole number from 1 to 600")
        try:
            review = self.query_one("#f-review-field", DateInput).day()
        except UsageError as error:
            raise UsageError(f"review date: {error}") from None
        fields: dict[str, Any] = {name: self.query_one(f"#f-{name}", TextArea).text.strip()
                                  for name, _, _ in TEXT_FIELDS}
        fields.update(
            objectives=objectives,
            cadence=Cadence(self.query_one("#f-cadence", Select).selection or Cadence.BIWEEKLY.value),
            minutes=int(minutes_text),
            review_date=review,
        )
        return fields

    def save_draft(self) -> str | None:
        """Before a lock: a changed draft becomes a new version rather than being lost."""
        if self.initial_fields is None or not self._has_changes():
            return None
        try:
            fields = self.gather()
            saved = self.journal.new_agreement_version(self.pair_id, **fields)
        except UsageError as error:
            return f"The agreement draft could not be saved: {error}"
        self.initial_fields = self._raw()
        return f"Your agreement draft was saved as version {saved.version}."

    def action_save(self) -> None:
        try:
            fields = self.gather()
        except UsageError as error:
            self.notify(str(error), severity="error", title="Not saved", markup=False)
            return
        saved = self.attempt(self.journal.new_agreement_version, self.pair_id, **fields)
        if saved is not None:
            self.notify(f"Saved as version {saved.version}.")
            self.app.pop_screen()

    def _renumber(self) -> None:
        for number, row in enumerate(self.query(ObjectiveFields), 1):
            row.border_title = f"Objective {number}"

    async def action_add_objective(self) -> None:
        box = self.query_one("#objectives", Vertical)
        row = ObjectiveFields(None, len(box.children) + 1)
        await box.mount(row)  # its inputs exist once this returns
        row.query_one(".outcome", Input).focus()
        row.scroll_visible(animate=False)

    def _focused_objective(self) -> ObjectiveFields | None:
        node: Widget | None = self.focused
        while node is not None and not isinstance(node, ObjectiveFields):
            node = node.parent if isinstance(node.parent, Widget) else None
        return node

    def action_remove_objective(self) -> None:
        row = self._focused_objective()
        if row is None:
            self.notify("Move into an objective first (tab), then press ctrl+r.", severity="warning")
            return
        rows = list(self.query(ObjectiveFields))
        index = rows.index(row)
        neighbour = rows[index + 1] if index + 1 < len(rows) else (rows[index - 1] if index else None)
        row.remove()
        if neighbour is not None:
            neighbour.query_one(".outcome", Input).focus()
        else:
            self.query_one("#f-cadence", Select).focus()
        self.call_after_refresh(self._renumber)

    def action_back(self) -> None:
        if not self._has_changes():
            self.app.pop_screen()
            return

        def answered(save: bool | None) -> None:
            if save:
                self.action_save()
            elif save is False:
                self.notify("Draft discarded; the agreement is unchanged.")
                self.app.pop_screen()

        self.app.push_screen(
            ConfirmDialog("Unsaved draft", "Save this draft as a new version of the agreement? "
                          "Esc keeps editing.", yes="Save", no="Discard"),
            answered,
        )


__all__ = ["AgreementEditor", "ObjectiveFields"]
