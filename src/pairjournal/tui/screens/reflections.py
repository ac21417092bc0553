"""Private reflection: the prompt library, prompts waiting, answers saved as typed, and history.

An answer becomes a Reflection on its first keystroke; after that every change
is written within a quarter of a second, and at once when the writer leaves the
answer or the screen, so nothing typed is lost.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.timer import Timer
from textual.widgets import Header, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from pairjournal.errors import NotFound
from pairjournal.model import Pair, PairStatus, Prompt, PromptCategory, Reflection
from pairjournal.tui.presenters import category_label, describe_reflection, prompt_text_of
from pairjournal.tui.rows import rows_only
from pairjournal.tui.screens import editing
from pairjournal.tui.screens.common import BACK, JournalScreen
from pairjournal.tui.widgets.add_prompt import AddPrompt
from pairjournal.tui.widgets.document import LABEL, MUTED, Document, Hanging
from pairjournal.tui.widgets.footer import KeyFooter

SAVE_AFTER = 0.25  # seconds of quiet before a change is written
MODES = ("browse", "write", "history")


def _first_line(text: str, width: int) -> str:
    line = " ".join(text.split())
    return line if len(line) <= width else line[: width - 1] + "…"


class ReflectionsScreen(JournalScreen):
    """Browse prompts, answer one (saved as typed), or reread what I wrote."""

    PALETTE_GROUP = "Reflections"
    BINDINGS: ClassVar[list[BindingType]] = [
        BACK,
        Binding("h", "toggle_history", "History", id="reflections.history", tooltip="My reflections / prompts"),
        Binding("f", "free_entry", "Free entry", id="reflections.free_entry", tooltip="Write without a prompt"),
        Binding("n", "add_prompt", "New prompt", id="reflections.add_prompt", tooltip="Add a prompt of my own"),
        Binding("e", "edit_prompt", "Edit prompt", id="reflections.edit_prompt", tooltip="Reword one of my prompts"),
        Binding("delete", "delete", "Delete", id="reflections.delete",
                tooltip="Delete the highlighted reflection, or one of my prompts"),
    ]

    def __init__(self, pair_id: str | None = None, prompt_id: str | None = None, *,
                 reflection_id: str | None = None) -> None:
        super().__init__()
        self.pair_id = pair_id
        self.start_prompt_id = prompt_id
        self.open_reflection_id = reflection_id
        self.mode = "browse"
        self.return_mode = "browse"
        self.writing_prompt: Prompt | None = None
        self.writing_pair: str | None = None
        self.reflection: Reflection | None = None
        self._dirty = False
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="refl-body"):
            with Vertical(id="refl-left"):
                yield Static(id="refl-left-title", classes="pane-title")
                yield OptionList(id="refl-prompts")
                yield OptionList(id="refl-history")
                yield Static(id="refl-history-empty", classes="empty")
            with Vertical(id="refl-right"):
                yield Document(id="refl-prompt", classes="prompt-text")
                yield TextArea(id="refl-editor", soft_wrap=True,
                               placeholder="Write freely. It is saved as you type, and only you can read it.")
                yield Static(id="refl-status", classes="hint")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = "Reflections"
        pair = self.journal.find(self.pair_id) if self.pair_id else None
        self.sub_title = pair.name if isinstance(pair, Pair) else ""
        self.set_mode("browse")
        self.reload()
        if self.open_reflection_id:
            found = self.journal.find(self.open_reflection_id)
            if isinstance(found, Reflection):
                self.set_mode("history")
                self.open_reflection(found)
                return
        if self.start_prompt_id:
            try:
                prompt = self.journal.prompt(self.start_prompt_id)
            except NotFound:
                self.notify(f"No prompt with id {self.start_prompt_id!r}.", severity="warning", markup=False)
            else:
                self.start_writing(prompt, self.default_pair())
                return
        self.query_one("#refl-prompts", OptionList).focus()

    def on_screen_suspend(self) -> None:
        self.flush()

    def on_unmount(self) -> None:
        self.flush()

    def on_screen_resume(self) -> None:
        if self.is_mounted:
            self.reload()

    # -- modes -----------------------------------------------------------------------

    def set_mode(self, mode: str) -> None:
        self.mode = mode
        for name in MODES:
            self.set_class(name == mode, f"-{name}")
        titles = {"browse": "Prompts · Enter answers", "history": "My reflections · Enter reopens", "write": ""}
        self.query_one("#refl-left-title", Static).update(titles[mode])
        self.sync_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("toggle_history", "free_entry", "add_prompt"):
            return self.mode != "write"
        if action == "edit_prompt":
            return self.mode == "browse" and self._own_prompt() is not None
        if action == "delete":
            if self.mode == "history":
                return True if self._chosen_reflection() is not None else None
            return self.mode == "browse" and self._own_prompt() is not None
        return True

    def _own_prompt(self) -> Prompt | None:
        if not self.query("#refl-prompts"):
            return None
        prompt, _ = self._chosen_prompt()
        return prompt if prompt is not None and prompt.category is PromptCategory.CUSTOM else None

    def action_edit_prompt(self) -> None:
        prompt = self._own_prompt()
        if prompt is not None:
            editing.edit_record(self, prompt)

    def action_delete(self) -> None:
        target: Prompt | Reflection | None = (
            self._chosen_reflection() if self.mode == "history" else self._own_prompt()
        )
        if target is not None:
            editing.delete_record(self, target)

    def action_back(self) -> None:
        if self.mode == "write":
            self.flush()
            self.set_mode(self.return_mode)
            self.reload()
            if self.return_mode == "history" and self.reflection is not None:
                self._highlight("#refl-history", f"refl:{self.reflection.id}")
            self.query_one("#refl-history" if self.mode == "history" else "#refl-prompts", OptionList).focus()
            return
        if self.mode == "history":
            self.action_toggle_history()
            return
        super().action_back()

    def action_toggle_history(self) -> None:
        self.set_mode("browse" if self.mode == "history" else "history")
        self.reload()
        self.query_one("#refl-history" if self.mode == "history" else "#refl-prompts", OptionList).focus()

    # -- reading -------------------------------------------------------------------------

    def pairs_in_view(self) -> list[Pair]:
        if self.pair_id:
            pair = self.journal.find(self.pair_id)
            return [pair] if isinstance(pair, Pair) else []
        return [p for p in self.journal.pairs() if p.status is PairStatus.ACTIVE]

    def default_pair(self) -> str | None:
        pairs = self.pairs_in_view()
        return pairs[0].id if len(pairs) == 1 else None

    def my_reflections(self) -> list[Reflection]:
        found = self.journal.reflections(self.pair_id)
        return sorted(found, key=lambda r: r.created, reverse=True)

    def reload(self) -> None:
        with self.app.batch_update():
            self._fill_prompts()
            self._fill_history()
            self._preview()

    def _prompt_option(self, prompt: Prompt, option_id: str, answered: set[str]) -> Option:
        mark = Content.styled("✓ ", "$text-success") if prompt.id in answered else Content.styled("• ", MUTED)
        return Option(Hanging(mark, Content(prompt.text)), id=option_id)

    def _fill_prompts(self) -> None:
        options = self.query_one("#refl-prompts", OptionList)
        keep = options.highlighted_option.id if options.highlighted_option else None
        answered = {r.prompt_id for r in self.journal.all(Reflection) if r.prompt_id}
        items: list[Option | None] = []
        for pair in self.pairs_in_view():
            waiting = self.journal.prompts_waiting(pair.id)
            items.append(Option(Content.styled(f"Waiting for you · with {pair.name}", LABEL),
                                id=f"hdr:wait:{pair.id}", disabled=True))
            if not waiting:
                items.append(Option(Content.styled("  Nothing waiting: every prompt for now is answered.", MUTED),
                                    id=f"none:{pair.id}", disabled=True))
            items += [self._prompt_option(p, f"wait:{pair.id}:{p.id}", answered) for p in waiting]
            items.append(None)
        library = self.journal.prompts()
        for category in PromptCategory:
            group = [p for p in library if p.category is category]
            if category is PromptCategory.CUSTOM:
                heading = f"{category_label(category)} ({len(group)})"
                items.append(Option(Content.styled(heading, LABEL), id="hdr:custom", disabled=True))
                if not group:
                    items.append(Option(Content.styled("  None yet: press n to write one.", MUTED),
                                        id="none:custom", disabled=True))
            elif group:
                heading = f"{category_label(category)} ({len(group)})"
                items.append(Option(Content.styled(heading, LABEL), id=f"hdr:{category.value}", disabled=True))
            items += [self._prompt_option(p, f"lib:{p.id}", answered) for p in group]
            items.append(None)
        options.set_options(items[:-1] if items and items[-1] is None else items)
        self._highlight("#refl-prompts", keep)

    def _highlight(self, selector: str, option_id: str | None) -> None:
        options = self.query_one(selector, OptionList)
        index = None
        if option_id is not None:
            try:
                index = options.get_option_index(option_id)
            except Exception:
                index = None
        if index is None:
            index = next((i for i, o in enumerate(options.options) if not o.disabled), None)
        options.highlighted = index

    def _fill_history(self) -> None:
        history = self.query_one("#refl-history", OptionList)
        keep = history.highlighted_option.id if history.highlighted_option else None
        items = []
        for reflection in self.my_reflections():
            about = self._prompt_text(reflection) or reflection.title or "Free entry"
            body = _first_line(reflection.text, 140) or "(empty)"
            items.append(Option(
                Hanging(Content.styled(f"{reflection.created.date().isoformat()}  ", MUTED),
                        Content.assemble((_first_line(about, 140), "bold"), "\n", (body, MUTED))),
                id=f"refl:{reflection.id}"))
        history.set_options(items)
        self._highlight("#refl-history", keep)
        empty = self.query_one("#refl-history-empty", Static)
        empty.update(Content.styled("Nothing written yet. Choose a prompt and press Enter, or press f for a free "
                                    "entry. Everything here stays private.", MUTED) if not items else "")
        empty.set_class(not items, "-shown")
        history.set_class(not items, "-empty")

    def _prompt_text(self, reflection: Reflection) -> str:
        return prompt_text_of(self.journal, reflection)

    def _preview(self) -> None:
        """What the right-hand pane shows when not writing (visible on wide terminals)."""
        if self.mode == "write":
            return
        target = self.query_one("#refl-prompt", Document)
        status = self.query_one("#refl-status", Static)
        status.update("")
        if self.mode == "history":
            chosen = self._chosen_reflection()
            target.update(rows_only(describe_reflection(self.journal, chosen)) if chosen else
                          Content.styled("Your reflections appear here.", MUTED))
            return
        prompt, pair_id = self._chosen_prompt()
        if prompt is None:
            target.update(Content.styled("Highlight a prompt to read it here.", MUTED))
            return
        answers = sum(1 for r in self.journal.all(Reflection) if r.prompt_id == prompt.id)
        pair = self.journal.find(pair_id) if pair_id else None
        target.update(
            Content.assemble(
                (category_label(prompt.category), MUTED),
                (f" · {prompt.timing.value}", MUTED),
                (f" · with {pair.name}", MUTED) if isinstance(pair, Pair) else "",
                "\n\n",
                (prompt.text, "bold"),
                "\n\n",
                (f"Answered {answers} time{'s' if answers != 1 else ''}. " if answers else "Not answered yet. ",
                 MUTED),
                ("Press Enter to write an answer.", MUTED),
            )
        )

    def _chosen_prompt(self) -> tuple[Prompt | None, str | None]:
        option = self.query_one("#refl-prompts", OptionList).highlighted_option
        if option is None or option.id is None or option.disabled:
            return None, None
        kind, _, rest = option.id.partition(":")
        pair_id = None
        if kind == "wait":
            pair_id, _, prompt_id = rest.partition(":")
        elif kind == "lib":
            prompt_id = rest
        else:
            return None, None
        try:
            return self.journal.prompt(prompt_id), pair_id or self.default_pair()
        except NotFound:
            return None, None

    def _chosen_reflection(self) -> Reflection | None:
        option = self.query_one("#refl-history", OptionList).highlighted_option
        if option is None or option.id is None:
            return None
        found = self.journal.find(option.id.removeprefix("refl:"))
        return found if isinstance(found, Reflection) else None

    @on(OptionList.OptionHighlighted)
    def _on_highlight(self, event: OptionList.OptionHighlighted) -> None:
        self._preview()
        self.sync_bindings()

    @on(OptionList.OptionSelected, "#refl-prompts")
    def _on_prompt_selected(self, event: OptionList.OptionSelected) -> None:
        prompt, pair_id = self._chosen_prompt()
        if prompt is not None:
            self.start_writing(prompt, pair_id)

    @on(OptionList.OptionSelected, "#refl-history")
    def _on_reflection_selected(self, event: OptionList.OptionSelected) -> None:
        chosen = self._chosen_reflection()
        if chosen is not None:
            self.open_reflection(chosen)

    # -- writing ---------------------------------------------------------------------------

    def open_reflection(self, reflection: Reflection) -> None:
        prompt = None
        if reflection.prompt_id:
            try:
                prompt = self.journal.prompt(reflection.prompt_id)
            except NotFound:
                prompt = None
        self.start_writing(prompt, reflection.pair_id, reflection)

    def start_writing(self, prompt: Prompt | None, pair_id: str | None, reflection: Reflection | None = None) -> None:
        self.flush()
        self.writing_prompt, self.writing_pair, self.reflection = prompt, pair_id, reflection
        self._dirty = False
        if self.mode != "write":
            self.return_mode = self.mode
        self.set_mode("write")
        pair = self.journal.find(pair_id) if pair_id else None
        with_whom = f" · with {pair.name}" if isinstance(pair, Pair) else ""
        if prompt is not None:
            header = Content.assemble(
                (category_label(prompt.category) + with_whom, MUTED), "\n",
                (prompt.text, "bold"),
            )
        else:
            header = Content.assemble(("Free entry" + with_whom, MUTED), "\n",
                                      ("Whatever is on your mind about the pairing.", "bold"))
        self.query_one("#refl-prompt", Document).update(header)
        editor = self.query_one("#refl-editor", TextArea)
        editor.load_text(reflection.text if reflection else "")
        editor.move_cursor(editor.document.end)
        self._status("Saved. Changes are saved as you type." if reflection else
                     "Start typing: the answer is saved as you write. Esc when done.")
        editor.focus()

    def _status(self, text: str) -> None:
        # A query, not query_one: while the screen closes its widgets may already be gone.
        for status in self.query("#refl-status").results(Static):
            status.update(text)

    @on(TextArea.Changed, "#refl-editor")
    def _on_text_changed(self, event: TextArea.Changed) -> None:
        if self.mode != "write":
            return
        text = event.text_area.text
        if self.reflection is None:
            if not text.strip():
                return
            created = self.attempt(
                self.journal.add_reflection, text, prompt_id=self.writing_prompt.id if self.writing_prompt else None,
                pair_id=self.writing_pair,
            )
            if created is not None:
                self.reflection = created
                self._status("Saved. Changes are saved as you type.")
            return
        if text == self.reflection.text and not self._dirty:
            return
        self.reflection.text = text
        self._dirty = True
        self._status("Saving…")
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(SAVE_AFTER, self.flush)

    def flush_pending(self) -> None:
        self.flush()

    def flush(self) -> None:
        """Writes the answer being typed now, if it has unsaved changes."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if not self._dirty or self.reflection is None:
            return
        if self.attempt(self.journal.save, self.reflection) is not None:
            self._dirty = False
            self._status("Saved.")

    # -- other actions --------------------------------------------------------------------

    def action_free_entry(self) -> None:
        self.start_writing(None, self.default_pair())

    def action_add_prompt(self) -> None:
        def added(prompt: Prompt | None) -> None:
            if prompt is None:
                return
            self.notify("Added to My own prompts.")
            if self.mode != "browse":
                self.set_mode("browse")
            self.reload()
            self._highlight("#refl-prompts", f"lib:{prompt.id}")
            self.query_one("#refl-prompts", OptionList).focus()

        self.app.push_screen(AddPrompt(), added)


__all__ = ["ReflectionsScreen"]
