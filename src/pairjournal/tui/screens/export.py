"""The export wizard: pair, period and format -> preview of the exact bytes -> confirm -> written and logged.

What the preview shows is the very bytes that are written (they are kept, not
rendered again), so what the person confirms is what leaves. Rendering and
signing run in a thread worker; writing the file (0600) and logging the
disclosure happen on confirm.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Checkbox, ContentSwitcher, Header, Input, Label, Select, Static, TextArea

from pairjournal.errors import PairjournalError, UsageError
from pairjournal.journal.outbound import ConsentStatus
from pairjournal.journal.vocabulary import DATE_GRAMMAR
from pairjournal.model import Disclosure, Pair
from pairjournal.sharing import consent, disclosures, export, signing, summary
from pairjournal.sharing.files import FileExists, unique_path
from pairjournal.tui.messages import JournalChanged
from pairjournal.tui.presenters import describe_export
from pairjournal.tui.screens.common import BACK, JournalScreen
from pairjournal.tui.widgets.date_input import DateInput
from pairjournal.tui.widgets.dialogs import ConfirmDialog
from pairjournal.tui.widgets.footer import KeyFooter
from pairjournal.tui.widgets.marks import MarkedCheckbox

FORMAT_CHOICES = [("Markdown (.md)", "md"), ("JSON (.json)", "json"), ("HTML, prints well (.html)", "html")]


class ExportScreen(JournalScreen):
    """A three-step wizard; the preview step holds the bytes to be written."""

    TITLE = "Export for the coordinator"
    HELP = ("A summary for your coordinator: choose the pair and period, read the exact file, then write it. "
            "Only items you both agreed to share leave, with counts that reveal nothing private.")
    PALETTE_GROUP = "Export"
    BINDINGS: ClassVar[list[BindingType]] = [
        BACK,
        Binding("ctrl+r", "preview", "Preview", id="export.preview", tooltip="Preview the exact file"),
        Binding("ctrl+s", "confirm", "Write file", id="export.confirm", tooltip="Write the previewed file"),
    ]
    def __init__(
        self,
        pair_id: str | None = None,
        *,
        out_dir: Path | None = None,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__()
        self.pair_id = pair_id
        self.out_dir = out_dir
        self._now = now
        self.prepared: export.Prepared | None = None
        self.written: Disclosure | None = None
        # The path last suggested: a path the person typed is theirs, and a changed format must not undo it.
        self._suggested = ""

    def now(self) -> datetime:
        """The wizard's own clock when it was given one, else the app's."""
        return self._now() if self._now is not None else self.host.now()

    def _today(self) -> date:
        return self.now().date()

    # -- layout -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        pairs = self.journal.pairs()
        chosen = self.pair_id if any(p.id == self.pair_id for p in pairs) else (pairs[0].id if pairs else None)
        options = [(p.name, p.id) for p in pairs]
        yield Header()
        with ContentSwitcher(initial="export-step-form", id="export-steps"):
            with VerticalScroll(id="export-step-form"):
                with Vertical(id="export-form"):
                    yield Static(
                        "Only items marked for the coordinator with your partner's consent leave, "
                        "plus counts that reveal no private content.",
                        id="export-intro",
                    )
                    # Right under the intro, so even at 80x24 nobody writes the file without seeing it.
                    yield Static("", id="export-pending")
                    with Horizontal(classes="row"):
                        yield Label("Pair")
                        yield Select[str](
                            options, allow_blank=not options, value=chosen or Select.NULL, id="export-pair",
                            compact=True,
                        )
                    with Horizontal(classes="row"):
                        yield Label("From")
                        yield DateInput(input_id="export-from", inline=True, compact=True, required=True,
                                        today=self._today, id="export-from-field")
                    with Horizontal(classes="row"):
                        yield Label("To")
                        yield DateInput(input_id="export-to", inline=True, compact=True, required=True,
                                        today=self._today, id="export-to-field")
                    with Horizontal(classes="row"):
                        yield Label("Format")
                        yield Select[str](FORMAT_CHOICES, value="md", allow_blank=False, id="export-format",
                                          compact=True)
                    with Horizontal(classes="row"):
                        yield Label("Names")
                        yield MarkedCheckbox("Replace names with pseudonyms", id="export-pseudonymize",
                                             compact=True)
                    with Horizontal(classes="row"):
                        yield Label("Save to")
                        yield Input(id="export-path", compact=True)
                with Horizontal(classes="buttons"):
                    yield Button("Preview (ctrl+r)", variant="primary", id="export-preview-button", compact=True)
            with Vertical(id="export-step-preview"):
                yield Static("Rendering…", id="export-summary", markup=False)
                yield TextArea("", read_only=True, soft_wrap=True, show_cursor=False, id="export-preview")
                with Horizontal(classes="buttons"):
                    yield Button("Write file (ctrl+s)", variant="success", id="export-confirm-button",
                                 compact=True)
                    yield Button("Back (esc)", id="export-back-button", compact=True)
            with Vertical(id="export-step-done"):
                yield Static("", id="export-done")
        error = Static("", id="export-error")
        error.display = False
        yield error
        yield KeyFooter()

    def on_mount(self) -> None:
        start, end = summary.default_period(None, None, self._today())
        self.query_one("#export-from", Input).value = start.isoformat()
        self.query_one("#export-to", Input).value = end.isoformat()
        self._suggest_path()
        self._show_pending()
        if not self.journal.pairs():
            self._error("There is no pair to export yet: add one first.")

    # -- the form -----------------------------------------------------------------------

    def _pair(self) -> Pair:
        value = self.query_one("#export-pair", Select).value
        if value is Select.NULL:
            raise UsageError("choose a pair to export")
        return self.journal.get(Pair, str(value))

    def _day(self, field: str, what: str) -> date:
        """A date of the period, as a person types one (the journal's date rule); both ends are needed."""
        try:
            day = self.query_one(f"#export-{field}-field", DateInput).day()
        except UsageError as error:
            raise UsageError(f"{what}: {error}") from None
        if day is None:
            raise UsageError(f"{what} is missing: use {DATE_GRAMMAR}")
        return day

    def _format(self) -> str:
        return str(self.query_one("#export-format", Select).value)

    def _suggest_path(self) -> None:
        """The sharing layer's default name (pair or pseudonym, day, log number), in a folder, never taken."""
        field = self.query_one("#export-path", Input)
        if field.value.strip() and field.value != self._suggested:
            return  # typed by the person: theirs
        try:
            pair = self._pair()
        except PairjournalError:
            return
        folder = self.out_dir or Path.home()
        pseudonymize = self.query_one("#export-pseudonymize", Checkbox).value
        name = export.default_name(self.journal, pair, self._format(), pseudonymize=pseudonymize, on=self._today())
        self._suggested = str(unique_path(folder, name))
        field.value = self._suggested

    def _show_pending(self) -> None:
        try:
            pair = self._pair()
        except PairjournalError:
            return
        stuck = consent.waiting(self.journal, pair.id)
        pending = sum(self.journal.consent_status(i) is ConsentStatus.PENDING for i in stuck)
        changed = len(stuck) - pending
        parts = []
        if pending:
            parts.append(f"{pending} item{'s are' if pending != 1 else ' is'} waiting for your partner's consent")
        if changed:
            parts.append(f"{changed} item{'s have' if changed != 1 else ' has'} changed since consent")
        text = f"⚠ {' and '.join(parts).capitalize()}: left out until both of you agree again." if parts else ""
        notice = self.query_one("#export-pending", Static)
        notice.update(text)
        notice.display = bool(text)

    @on(Select.Changed, "#export-pair")
    @on(Select.Changed, "#export-format")
    @on(Checkbox.Changed, "#export-pseudonymize")
    def _form_changed(self) -> None:
        self._suggest_path()
        self._show_pending()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_preview()

    def on_journal_changed(self, message: JournalChanged) -> None:
        # Another process (or screen) may have changed consents or logged an export: keep both notes true.
        if self.step == "export-step-form":
            self._show_pending()
            self._suggest_path()

    def _error(self, text: str) -> None:
        target = self.query_one("#export-error", Static)
        target.update(text)
        target.display = bool(text)

    # -- steps --------------------------------------------------------------------------------

    @property
    def step(self) -> str:
        return self.query_one(ContentSwitcher).current or ""

    def _go(self, step: str) -> None:
        self.query_one(ContentSwitcher).current = f"export-step-{step}"
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "preview":
            return self.step == "export-step-form"
        if action == "confirm":
            return self.step == "export-step-preview" and self.prepared is not None
        return True

    @on(Button.Pressed, "#export-preview-button")
    def action_preview(self) -> None:
        self._error("")
        try:
            pair = self._pair()
            start = self._day("from", "the start date")
            end = self._day("to", "the end date")
            start, end = summary.default_period(start, end)
            # Made on the main thread: the worker below only reads the journal.
            signing.ensure_key(self.journal)
        except PairjournalError as error:
            self._error(str(error))
            return
        self.prepared = None
        self.query_one("#export-summary", Static).update("Rendering…")
        self.query_one("#export-preview", TextArea).load_text("")
        self._go("preview")
        pseudonymize = self.query_one("#export-pseudonymize", Checkbox).value
        self._build_preview(pair, start, end, self._format(), pseudonymize, self.now())

    @work(thread=True, exclusive=True, group="export-render", exit_on_error=False)
    def _build_preview(self, pair: Pair, start: date, end: date, fmt: str, pseudonymize: bool,
                       generated: datetime) -> None:
        journal = self.journal
        try:
            # Held still while it renders: a write from the interface (or a refresh) waits for it.
            with journal.reading():
                prepared = export.prepare(journal, pair, start, end, fmt, pseudonymize=pseudonymize,
                                          generated=generated)
        except PairjournalError as error:
            self.app.call_from_thread(self._render_failed, str(error))
            return
        self.app.call_from_thread(self._show_preview, prepared)

    def _render_failed(self, message: str) -> None:
        self._go("form")
        self._error(message)

    def _show_preview(self, prepared: export.Prepared) -> None:
        self.prepared = prepared
        self._error("")
        self.query_one("#export-summary", Static).update(describe_export(prepared))
        preview = self.query_one("#export-preview", TextArea)
        preview.load_text(prepared.text)
        preview.scroll_home(animate=False)
        preview.focus()
        self.refresh_bindings()

    @on(Button.Pressed, "#export-confirm-button")
    def action_confirm(self) -> None:
        prepared = self.prepared
        if prepared is None:
            return
        dest = self._destination()
        if dest.is_file() and not dest.is_symlink():
            # Asked here, in place: the wizard has no --force, and a file is replaced only when the person says so.
            self.app.push_screen(
                ConfirmDialog(f"Replace {dest.name}?",
                              f"A file of that name is already in {dest.parent}. Replace it with this export? "
                              "No keeps it; then Esc goes back to choose another name.",
                              yes="Replace", no="Keep it"),
                lambda answer: self._replace_answered(dest, answer),
            )
            return
        self._write(dest, force=False)

    def _destination(self) -> Path:
        return Path(self.query_one("#export-path", Input).value.strip()).expanduser()

    def _replace_answered(self, dest: Path, answer: bool | None) -> None:
        if answer:
            self._write(dest, force=True)
        else:
            self._error(f"{dest.name} is still there, unchanged. Esc goes back to choose another name.")

    def _write(self, dest: Path, *, force: bool) -> None:
        prepared = self.prepared
        if prepared is None:
            return
        try:
            entry = export.commit(self.journal, prepared, dest, force=force, when=self.now())
        except disclosures.LogMoved:
            # Another export was logged since this preview was made: its log position is stale.
            self._go("form")
            self._error("Another export was logged since this preview; preview again.")
            return
        except FileExists:
            # Appeared between the question and the write: ask again rather than replace unasked.
            self._error(f"{dest.name} appeared meanwhile: ctrl+s asks whether to replace it.")
            return
        except PairjournalError as error:
            self._error(str(error))
            return
        except OSError as error:
            self._error(f"could not write {dest}: {error.strerror or error.__class__.__name__}")
            return
        self.written = entry
        self._error("")
        self.query_one("#export-done", Static).update(
            f"Wrote {dest}{' (replacing the old file)' if force else ''}\nReadable only by you (mode 0600). "
            f"Logged as disclosure #{entry.seq} for {entry.recipient}: {len(entry.items)} item(s), "
            f"file SHA-256 {entry.file_sha256[:16]}…\n\n"
            "Send the file to your coordinator, and tell them your key's fingerprint "
            f"({entry.signer}) another way, so they can check it with `pairjournal verify`.\n\n"
            "Esc goes back."
        )
        self._go("done")
        self.app.post_message(JournalChanged(ids=frozenset({entry.id})))

    @on(Button.Pressed, "#export-back-button")
    def action_back(self) -> None:
        if self.step == "export-step-preview":
            self.prepared = None
            self._go("form")
            return
        self.app.pop_screen()


__all__ = ["ExportScreen"]
