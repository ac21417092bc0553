"""The pair's agreement: read it, write a new version, acknowledge it, compare versions.

An agreement is never overwritten: every edit is saved as a new version and the
older ones stay readable in the history. Only the acknowledgement dates are
recorded on an existing version.
"""

from __future__ import annotations

import difflib
from datetime import date
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Footer, Header, Input, Label, OptionList, Select, Static, TextArea
from textual.widgets.option_list import Option

from pairjournal.errors import UsageError
from pairjournal.model import Agreement, Cadence, Objective, Pair
from pairjournal.tui.screens.common import EMPTY, Confirm, JournalScreen, fmt_day, parse_day, select_value
from pairjournal.tui.screens.detail import LABEL, MUTED, Document, Row, field

# The free-text parts of an agreement, in reading order: (field name, label, hint for a blank one).
TEXT_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("confidentiality", "Confidentiality", "What stays between us, and what may be shared with whom."),
    ("scope", "Scope", "What we will and will not cover, so neither of us carries more than agreed."),
    ("scheduling", "Scheduling", "When we meet and how we move a session: days, times, notice."),
    ("feedback_norms", "Feedback norms", "How we give and take feedback across the gap in seniority."),
    ("repair_routine", "Repair routine", "After a misstep: pause, name the impact, share intent, recommit."),
)


def agreement_lines(agreement: Agreement) -> list[str]:
    """A plain-text rendering of one version: what the diff compares, line by line."""

    def put(label: str, value: str) -> None:
        first, *rest = (value.strip() or EMPTY).splitlines() or [EMPTY]
        lines.append(f"{label}: {first}")
        lines.extend(f"    {line}" for line in rest)

    lines: list[str] = []
    put("Cadence", agreement.cadence.value)
    put("Session length", f"{agreement.minutes} minutes")
    if not agreement.objectives:
        lines.append("Objectives: none")
    for number, objective in enumerate(agreement.objectives, 1):
        put(f"Objective {number}", objective.outcome)
        put(f"  Evidence {number}", objective.evidence)
        put(f"  Timebox {number}", fmt_day(objective.timebox))
    for name, label, _ in TEXT_FIELDS:
        put(label, getattr(agreement, name))
    put("Review date", fmt_day(agreement.review_date))
    put("My acknowledgement", fmt_day(agreement.my_ack))
    put("Partner acknowledgement", fmt_day(agreement.partner_ack))
    return lines


def diff_rows(old: Agreement, new: Agreement) -> list[Row]:
    """The lines that changed from ``old`` to ``new``: removed in red with -, added in green with +."""
    before, after = agreement_lines(old), agreement_lines(new)
    rows: list[Row] = []
    changed = False
    for line in difflib.unified_diff(before, after, lineterm="", n=max(len(before), len(after))):
        if line.startswith(("---", "+++", "@@")):
            continue
        mark, text = line[:1], line[1:]
        style = {"+": "bold $text-success", "-": "bold $text-error"}.get(mark, MUTED)
        changed = changed or mark in "+-"
        rows.append(field(mark.strip(), Content.styled(text, style), label_width=2, label_style=style))
    if not changed:
        return [Content.styled("These two versions say the same thing.", MUTED)]
    return rows


def _review(agreement: Agreement, today: date) -> Content:
    if agreement.review_date is None:
        return Content.styled("not set", MUTED)
    days = (agreement.review_date - today).days
    when = agreement.review_date.isoformat()
    if days < 0:
        return Content.assemble(when, (f"  review is {-days} days overdue", "bold $text-warning"))
    if days == 0:
        return Content.assemble(when, ("  review is today", "bold $text-warning"))
    return Content.assemble(when, (f"  in {days} days", MUTED))


def _ack(day: date | None) -> Content:
    return Content.styled(f"✓ {day.isoformat()}", "$text-success") if day else Content.styled("not yet", MUTED)


def agreement_rows(agreement: Agreement, pair: Pair | None, today: date) -> list[Row]:
    """One version laid out for reading."""
    rows: list[Row] = [Content.styled("Objectives", LABEL)]
    if not agreement.objectives:
        rows.append(Content.styled("None yet: two or three observable outcomes work best.", MUTED))
    for number, objective in enumerate(agreement.objectives, 1):
        rows.append(field(f"{number}.", Content.styled(objective.outcome or EMPTY, "bold"), label_width=3))
        rows.append(field("evidence", objective.evidence, indent=3, label_width=10))
        timebox = objective.timebox
        late = timebox is not None and timebox < today
        rows.append(field("timebox", Content.styled(fmt_day(timebox), "$text-warning" if late else ""),
                          indent=3, label_width=10))
    rows.append(Content(""))
    rows.append(field("Rhythm", f"{agreement.cadence.value}, {agreement.minutes} minutes a session"))
    for name, label, _ in TEXT_FIELDS:
        rows.append(field(label, getattr(agreement, name)))
    rows.append(field("Review date", _review(agreement, today)))
    partner = pair.name if pair else "partner"
    rows.append(field("Acknowledged", Content.assemble("me ", _ack(agreement.my_ack))))
    rows.append(field("", Content.assemble(f"{partner} ", _ack(agreement.partner_ack))))
    return rows


class AgreementScreen(JournalScreen):
    """The pair's current agreement, its versions, and the changes between two of them."""

    PALETTE_GROUP = "Agreement"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e", "edit", "Edit", id="agreement.edit", tooltip="Edit as a new version"),
        Binding("o", "add_objective", "Add objective", id="agreement.add_objective", show=False),
        Binding("a", "ack_me", "Ack me", id="agreement.ack_me", tooltip="Acknowledge (me, today)"),
        Binding("p", "ack_partner", "Ack partner", id="agreement.ack_partner", tooltip="Acknowledge (partner, today)"),
        Binding("m", "mark", "Mark", id="agreement.mark", tooltip="Mark this version for comparing"),
        Binding("d", "diff", "Diff", id="agreement.diff", tooltip="Compare two versions"),
    ]

    def __init__(self, pair_id: str) -> None:
        super().__init__()
        self.pair_id = pair_id
        self.select_version: int | None = None
        self.marked: int | None = None
        self.showing_diff = False
        self.versions: list[Agreement] = []

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="agreement-body"):
            with VerticalScroll(id="agreement-main"):
                yield Static(id="agreement-title", classes="pane-title")
                yield Document(id="agreement-text")
            with Vertical(id="agreement-side"):
                yield Static("Versions", classes="pane-title")
                yield OptionList(id="agreement-history")
                yield Static(id="agreement-side-hint", classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Agreement"
        self.reload()
        self.query_one("#agreement-history", OptionList).focus()

    def on_screen_resume(self) -> None:
        if self.is_mounted:
            self.reload()

    # -- reading -------------------------------------------------------------

    @property
    def pair(self) -> Pair | None:
        pair = self.journal.find(self.pair_id)
        return pair if isinstance(pair, Pair) else None

    @property
    def highlighted(self) -> int | None:
        """The version highlighted in the history list: what keys act on, whatever messages are pending."""
        option = self.query_one("#agreement-history", OptionList).highlighted_option
        return int(option.id) if option is not None and option.id else None

    def version(self, number: int | None) -> Agreement | None:
        return next((v for v in self.versions if v.version == number), None)

    def reload(self) -> None:
        pair = self.pair
        self.sub_title = pair.name if pair else ""
        newest_before = self.versions[-1].version if self.versions else None
        self.versions = self.journal.agreement_history(self.pair_id) if pair else []
        numbers = [v.version for v in self.versions]
        newest = numbers[-1] if numbers else None
        history = self.query_one("#agreement-history", OptionList)
        if history.highlighted_option is not None and history.highlighted_option.id:
            self.select_version = int(history.highlighted_option.id)
        if newest_before is not None and newest != newest_before:
            # A new version (written here or elsewhere) is what one wants to see.
            self.select_version = newest
        elif self.select_version not in numbers:
            self.select_version = newest
        if self.marked not in numbers:
            self.marked = None
        with self.app.batch_update():
            history.clear_options()
            history.add_options(self._history_option(v, v.version == newest) for v in reversed(self.versions))
            if self.select_version is not None:
                history.highlighted = history.get_option_index(str(self.select_version))
            self.render_main()
        self.sync_bindings()

    def _history_option(self, agreement: Agreement, current: bool) -> Option:
        mark = "◆ " if agreement.version == self.marked else ""
        first = Content.assemble((f"{mark}v{agreement.version}", "bold"), ("  current", "$text-accent") if current else "")
        acks = f"me {'✓' if agreement.my_ack else '–'} · partner {'✓' if agreement.partner_ack else '–'}"
        return Option(Content.assemble(first, "\n", (f"{agreement.created.date()}\n{acks}", MUTED)),
                      id=str(agreement.version))

    def render_main(self) -> None:
        title = self.query_one("#agreement-title", Static)
        body = self.query_one("#agreement-text", Document)
        hint = self.query_one("#agreement-side-hint", Static)
        pair = self.pair
        if pair is None:
            title.update("No such pair")
            body.update(Content.styled("This pair is not in the journal (it may have been removed).", MUTED))
            hint.update("")
            return
        selected = self.version(self.highlighted or self.select_version)
        if selected is None:
            title.update(f"No agreement with {pair.name} yet")
            body.update(
                Content.styled(
                    "An agreement names two or three observable objectives, how often you meet, "
                    "what stays confidential, and how you repair a misstep.\n\n"
                    "Press e to write the first version together.",
                    MUTED,
                )
            )
            hint.update("")
            return
        hint.update(
            "m marks a version, d compares it with the highlighted one"
            if len(self.versions) > 1
            else "Every edit adds a version here."
        )
        if self.showing_diff:
            old, new = self.diff_versions()
            if old is not None and new is not None:
                title.update(f"Changes from version {old.version} to version {new.version}")
                body.update(diff_rows(old, new))
                return
        current = " (current)" if selected is self.versions[-1] else ""
        title.update(f"Version {selected.version}{current} · written {selected.created.date()}")
        body.update(agreement_rows(selected, pair, self.today()))

    def diff_versions(self) -> tuple[Agreement | None, Agreement | None]:
        """The marked version (or the one before the highlighted) and the highlighted, oldest first."""
        chosen = self.highlighted
        other = self.marked if self.marked not in (None, chosen) else (chosen - 1 if chosen else None)
        first, second = self.version(other), self.version(chosen)
        if first is None or second is None:
            return None, None
        return (first, second) if first.version < second.version else (second, first)

    @on(OptionList.OptionHighlighted, "#agreement-history")
    def _on_highlight(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_id is not None and int(event.option_id) != self.select_version:
            self.select_version = int(event.option_id)
            self.render_main()
            self.sync_bindings()

    # -- acting --------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("ack_me", "ack_partner", "mark"):
            return True if self.versions else None
        if action == "diff":
            return True if len(self.versions) > 1 else None
        if action in ("edit", "add_objective"):
            return True if self.pair is not None else None
        return True

    def action_back(self) -> None:
        if self.showing_diff:
            self.showing_diff = False
            self.render_main()
            return
        super().action_back()

    def _open_editor(self, add_objective: bool) -> None:
        if self.pair is None:
            return
        self.showing_diff = False
        self.app.push_screen(AgreementEditor(self.pair_id, add_objective=add_objective))

    def action_edit(self) -> None:
        self._open_editor(add_objective=False)

    def action_add_objective(self) -> None:
        self._open_editor(add_objective=True)

    def _acknowledge(self, who: str) -> None:
        if not self.versions:
            self.notify("Write the agreement first (press e).", severity="warning")
            return
        current = self.versions[-1]
        today = self.today()
        done = self.attempt(self.journal.acknowledge, current, **{who: today})
        if done is not None:
            name = "You" if who == "me" else (self.pair.name if self.pair else "Your partner")
            self.notify(f"{name} acknowledged version {current.version} on {today.isoformat()}.", markup=False)
            self.reload()

    def action_ack_me(self) -> None:
        self._acknowledge("me")

    def action_ack_partner(self) -> None:
        self._acknowledge("partner")

    def action_mark(self) -> None:
        chosen = self.highlighted
        if chosen is None:
            return
        self.select_version = chosen
        self.marked = None if self.marked == chosen else chosen
        if self.marked is not None:
            self.notify(f"Version {self.marked} marked: highlight another version and press d.")
        self.reload()

    def action_diff(self) -> None:
        if len(self.versions) < 2:
            self.notify("There is only one version: nothing to compare yet.", severity="warning")
            return
        old, new = self.diff_versions()
        if old is None:
            self.notify("Highlight a later version, or mark one with m, to compare.", severity="warning")
            return
        self.showing_diff = not self.showing_diff
        self.render_main()


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
            ("Timebox", "timebox", fmt_day(obj.timebox) if obj and obj.timebox else "", "YYYY-MM-DD (optional)"),
        )
        for label, name, value, placeholder in rows:
            with Horizontal(classes="objective-row"):
                yield Label(label)
                yield Input(value, placeholder=placeholder, classes=name, compact=True)

    def read(self, number: int, today: date) -> Objective | None:
        outcome = self.query_one(".outcome", Input).value.strip()
        evidence = self.query_one(".evidence", Input).value.strip()
        timebox_text = self.query_one(".timebox", Input).value
        if not outcome:
            if evidence or timebox_text.strip():
                raise UsageError(f"objective {number} needs an observable outcome")
            return None
        try:
            timebox = parse_day(timebox_text, today)
        except UsageError as error:
            raise UsageError(f"objective {number} timebox: {error}") from None
        if self.objective_id:
            return Objective(outcome=outcome, evidence=evidence, timebox=timebox, id=self.objective_id)
        return Objective(outcome=outcome, evidence=evidence, timebox=timebox)


class AgreementEditor(JournalScreen):
    """A draft of the next version, prefilled from the current one; ctrl+s saves it."""

    PALETTE_GROUP = "Agreement draft"
    BINDINGS: ClassVar[list[BindingType]] = [
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
            yield Static("Objectives", classes="section-title")
            with Vertical(id="objectives"):
                for index, objective in enumerate(current.objectives if current else [], 1):
                    yield ObjectiveFields(objective, index)
            yield Static("ctrl+n adds an objective · ctrl+r removes the one you are in", classes="hint")
            with Horizontal(classes="field-row"):
                with Vertical():
                    yield Label("Cadence")
                    yield Select([(c.value, c.value) for c in Cadence], value=cadence.value, allow_blank=False,
                                 id="f-cadence")
                with Vertical():
                    yield Label("Minutes a session")
                    yield Input(str(minutes), type="integer", id="f-minutes")
            for name, label, hint in TEXT_FIELDS:
                yield Label(label)
                yield TextArea(getattr(current, name) if current else "", id=f"f-{name}", placeholder=hint,
                               classes="long-text")
            yield Label("Review date")
            yield Input(fmt_day(current.review_date) if current and current.review_date else "",
                        placeholder="YYYY-MM-DD", id="f-review")
        yield Footer()

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
        raw["cadence"] = select_value(self.query_one("#f-cadence", Select))
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
        today = self.today()
        rows = list(self.query(ObjectiveFields))
        objectives = [o for n, row in enumerate(rows, 1) if (o := row.read(n, today)) is not None]
        minutes_text = self.query_one("#f-minutes", Input).value.strip()
        if not minutes_text.isdigit() or not 1 <= int(minutes_text) <= 600:
            raise UsageError("minutes a session must be a whole number from 1 to 600")
        try:
            review = parse_day(self.query_one("#f-review", Input).value, today)
        except UsageError as error:
            raise UsageError(f"review date: {error}") from None
        fields: dict[str, Any] = {name: self.query_one(f"#f-{name}", TextArea).text.strip() for name, _, _ in TEXT_FIELDS}
        fields.update(
            objectives=objectives,
            cadence=Cadence(select_value(self.query_one("#f-cadence", Select)) or Cadence.BIWEEKLY.value),
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

        def answered(answer: str | None) -> None:
            if answer == "y":
                self.action_save()
            elif answer == "n":
                self.notify("Draft discarded; the agreement is unchanged.")
                self.app.pop_screen()

        self.app.push_screen(
            Confirm("Unsaved draft", "Save this draft as a new version of the agreement?",
                    hint="y save · n discard · Esc keep editing"),
            answered,
        )


__all__ = ["AgreementEditor", "AgreementScreen", "agreement_lines", "agreement_rows", "diff_rows"]
