"""The pair's agreement: read it, write a new version, acknowledge it, compare versions.

An agreement is never overwritten: every edit is saved as a new version and the
older ones stay readable in the history. Only the acknowledgement dates are
recorded on an existing version.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from pairjournal.model import Agreement, ObjectiveProgress, Pair, PairStatus
from pairjournal.tui.presenters import agreement_rows, badge, diff_rows
from pairjournal.tui.screens.agreement_editor import AgreementEditor
from pairjournal.tui.screens.common import BACK, JournalScreen
from pairjournal.tui.widgets.acknowledge import AcknowledgeDialog
from pairjournal.tui.widgets.capture import ProgressDialog
from pairjournal.tui.widgets.document import MUTED, Document
from pairjournal.tui.widgets.footer import KeyFooter


class AgreementScreen(JournalScreen):
    """The pair's current agreement, its versions, and the changes between two of them."""

    PALETTE_GROUP = "Agreement"
    BINDINGS: ClassVar[list[BindingType]] = [
        BACK,
        Binding("e", "edit", "Edit", id="agreement.edit", tooltip="Edit as a new version"),
        Binding("o", "add_objective", "Add objective", id="agreement.add_objective", show=False),
        Binding("a", "ack_me", "Ack me", id="agreement.ack_me", tooltip="Acknowledge (me, today)"),
        Binding("p", "ack_partner", "Ack partner", id="agreement.ack_partner", tooltip="Acknowledge (partner, today)"),
        Binding("r", "progress", "Progress", id="agreement.progress",
                tooltip="Record progress on an objective of the current version"),
        Binding("m", "mark", "Mark", id="agreement.mark", tooltip="Mark this version for comparing"),
        Binding("d", "diff", "Diff", id="agreement.diff", tooltip="Compare two versions"),
    ]

    def __init__(self, pair_id: str, *, version: int | None = None) -> None:
        super().__init__()
        self.pair_id = pair_id
        self.select_version = version
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
        yield KeyFooter()

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
        first = Content.assemble((f"{mark}v{agreement.version}", "bold"),
                                 ("  current", "$text-accent") if current else "")
        dash = "\u2013"  # an en dash: not acknowledged yet
        acks = f"me {'✓' if agreement.my_ack else dash} · partner {'✓' if agreement.partner_ack else dash}"
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
        is_current = selected is self.versions[-1]
        current = " (current)" if is_current else ""
        title.update(f"Version {selected.version}{current} · written {selected.created.date()}")
        # The progress trail belongs to the objectives as they stand now: shown on the current version.
        trails = {o.id: self.journal.progress_of(o.id, pair.id) for o in selected.objectives} if is_current else None
        body.update(agreement_rows(selected, pair, self.today(), trails))

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
        if action == "progress":
            return True if self.versions and self.versions[-1].objectives and self._active() else None
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

    def _active(self) -> bool:
        pair = self.pair
        return pair is not None and pair.status is not PairStatus.ENDED

    def _acknowledge(self, who: str) -> None:
        """Shows what changed since the version before, then records the acknowledgement."""
        if not self.versions:
            self.notify("Write the agreement first (press e).", severity="warning")
            return
        current = self.versions[-1]
        before = self.versions[-2] if len(self.versions) > 1 else None
        name = "You" if who == "me" else (self.pair.name if self.pair else "Your partner")

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            today = self.today()
            if self.attempt(self.journal.acknowledge, current, **{who: today}) is not None:
                self.notify(f"{name} acknowledged version {current.version} on {today.isoformat()}.", markup=False)
                self.reload()

        whose = "your" if who == "me" else f"{name}'s"
        self.app.push_screen(AcknowledgeDialog(before, current, whose), answered)

    def action_progress(self) -> None:
        pair = self.pair
        if pair is None or not self.versions or not self.versions[-1].objectives:
            return
        objectives = list(enumerate(self.versions[-1].objectives, 1))

        def saved(entry: ObjectiveProgress | None) -> None:
            if entry is not None:
                self.notify(f"Progress saved ({badge(self.journal, entry)}).", markup=False)
                self.reload()

        self.app.push_screen(ProgressDialog(pair, objectives), saved)

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
        old, _ = self.diff_versions()
        if old is None:
            self.notify("Highlight a later version, or mark one with m, to compare.", severity="warning")
            return
        self.showing_diff = not self.showing_diff
        self.render_main()


__all__ = ["AgreementScreen"]
