"""A read-only view of any one record, rendered field by field for a person to read.

Search opens hits in it, the actions screen shows the highlighted item in it
when the terminal is wide, and DetailScreen is the read-only session view.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.geometry import Size
from textual.screen import Screen
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, RulesMap, Visual
from textual.widget import Widget
from textual.widgets import Footer, Header

from pairjournal.journal.outbound import BADGES, STATUS_EXPLANATIONS, ConsentStatus
from pairjournal.journal.service import KIND_LABELS
from pairjournal.model import (
    ActionItem,
    ActionStatus,
    Agreement,
    ObjectiveProgress,
    Pair,
    Prompt,
    Reflection,
    Session,
    Shareable,
    Takeaway,
)
from pairjournal.tui.screens.common import EMPTY, JournalScreen, fmt_day

if TYPE_CHECKING:
    from pairjournal.journal import Journal

LABEL_WIDTH = 17
MUTED = "$text-muted"
LABEL = "bold $text-secondary"

CATEGORY_LABELS = {
    "leader-reflection": "Leader reflection",
    "mentor-growth": "Mentor growth",
    "check-in": "Check-in",
    "opening-language": "Opening language",
    "repair": "Repair",
    "progress-review": "Progress review",
    "custom": "My own prompts",
}


def kind_label(kind: str) -> str:
    """The plural heading of a kind, e.g. "Actions"."""
    return KIND_LABELS.get(kind, kind.replace("-", " ").capitalize())


def kind_name(kind: str) -> str:
    """The singular name of a kind, e.g. "Action"."""
    label = kind_label(kind)
    return label[:-1] if label.endswith("s") else label


def is_overdue(action: ActionItem, today: date) -> bool:
    return action.status is ActionStatus.OPEN and action.due is not None and action.due < today


@dataclass(frozen=True)
class Field:
    """A labelled value; laid out with a hanging indent once the width is known."""

    label: str
    value: Content
    indent: int = 0
    label_width: int = LABEL_WIDTH
    label_style: str = ""


Row = Content | Field


def field(label: str, value: str | Content | None, *, indent: int = 0, label_width: int = LABEL_WIDTH,
          label_style: str = "") -> Field:
    if value is None or (isinstance(value, str) and not value.strip()):
        shown: Content = Content.styled(EMPTY, MUTED)
    else:
        shown = value if isinstance(value, Content) else Content(value.strip())
    return Field(label, shown, indent, label_width, label_style)


def bullet(value: str | Content, mark: str = "•") -> Field:
    """A list item whose wrapped lines stay indented past the mark."""
    return field(mark, value, label_width=2, label_style=MUTED)


def block(label: str, text: str) -> list[Row]:
    """A heading and a paragraph beneath it, for the long free-text fields."""
    body = Content(text.strip()) if text.strip() else Content.styled("(nothing written)", MUTED)
    return [Content.styled(label, LABEL), body]


def heading(kind: str, title: str) -> list[Row]:
    return [Content.styled(kind_name(kind).upper(), "bold $accent"), Content.styled(title or EMPTY, "bold")]


def lay_out(rows: list[Row], width: int) -> Content:
    """Rows as one Content at ``width`` columns, wrapped values indented under their value column."""
    out: list[Content] = []
    for row in rows:
        if not isinstance(row, Field):
            out.append(row)
            continue
        lead = " " * row.indent
        value_width = width - row.indent - row.label_width
        label = Content.styled(row.label, row.label_style or (MUTED if row.indent else LABEL))
        paragraphs = row.value.split("\n")
        if value_width < 20:
            # Too narrow for two columns: the label goes above its value.
            out.append(Content.assemble(lead, label))
            out += [Content.assemble(lead, "  ", line) for para in paragraphs
                    for line in (para.wrap(max(8, width - row.indent - 2)) or [Content("")])]
            continue
        lines = [line for para in paragraphs for line in (para.wrap(value_width) or [Content("")])]
        pad = " " * row.label_width
        out.append(Content.assemble(lead, label, " " * max(1, row.label_width - len(row.label)), lines[0]))
        out += [Content.assemble(lead, pad, line) for line in lines[1:]]
    return Content("\n").join(out)


class Hanging(Visual):
    """A marker and text whose wrapped lines stay indented past the marker (for list items)."""

    def __init__(self, mark: Content, body: Content) -> None:
        self.mark = mark
        self.body = body
        self._laid_out: tuple[int, Content] | None = None

    def _lay(self, width: int) -> Content:
        if self._laid_out is None or self._laid_out[0] != width:
            indent = self.mark.cell_length
            lines = [line for para in self.body.split("\n") for line in (para.wrap(max(4, width - indent))
                                                                        or [Content("")])]
            pad = " " * indent
            laid = Content("\n").join([Content.assemble(self.mark, lines[0]),
                                       *(Content.assemble(pad, line) for line in lines[1:])])
            self._laid_out = (width, laid)
        return self._laid_out[1]

    def render_strips(self, width: int, height: int | None, style: Style, options: RenderOptions) -> list[Strip]:
        return self._lay(width).render_strips(width, height, style, options)

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return self.mark.cell_length + self.body.get_optimal_width(rules, container_width)

    def get_height(self, rules: RulesMap, width: int) -> int:
        return self._lay(width).get_height(rules, width)


class Document(Widget):
    """Rows laid out for the width the widget gets; height follows the content."""

    DEFAULT_CSS = """
    Document { height: auto; }
    """

    def __init__(self, rows: list[Row] | None = None, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.rows: list[Row] = rows or []
        self._laid_out: tuple[int, Content] | None = None

    def update(self, rows: list[Row] | Content | str) -> None:
        if isinstance(rows, str):
            rows = [Content(rows)]
        self.rows = [rows] if isinstance(rows, Content) else rows
        self._laid_out = None
        self.refresh(layout=True)

    @property
    def plain(self) -> str:
        return self._content(self.content_size.width or 80).plain

    def _content(self, width: int) -> Content:
        if self._laid_out is None or self._laid_out[0] != width:
            self._laid_out = (width, lay_out(self.rows, max(width, 10)))
        return self._laid_out[1]

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return self._content(width).get_height(self.styles, width) if width else 0

    def render(self) -> Content:
        return self._content(self.content_size.width)


def _pair_name(journal: Journal, pair_id: str | None) -> str:
    if pair_id is None:
        return ""
    pair = journal.find(pair_id)
    return pair.name if isinstance(pair, Pair) else "(a removed pair)"


def _share(journal: Journal, item: Shareable) -> list[Row]:
    state = journal.consent_status(item)
    rows: list[Row] = [field("Shared with", BADGES[state])]
    if item.scope.value == "coordinator":
        if state is ConsentStatus.CONSENTED and item.partner_consent is not None:
            consent = f"both agreed; partner {item.partner_consent.given_on.isoformat()} ({item.partner_consent.how})"
        else:
            consent = STATUS_EXPLANATIONS[state]
        rows.append(field("Consent", consent))
        if item.coordinator_text:
            rows.append(field("For coordinator", item.coordinator_text))
    return rows


def _session_day(journal: Journal, session_id: str | None) -> str:
    if not session_id:
        return ""
    session = journal.find(session_id)
    return session.date.isoformat() if isinstance(session, Session) else "(a removed session)"


def action_status(action: ActionItem, today: date) -> Content:
    if is_overdue(action, today):
        return Content.styled("overdue", "bold $text-error")
    if action.status is ActionStatus.DONE:
        return Content.styled("done", "$text-success")
    if action.status is ActionStatus.DROPPED:
        return Content.styled("dropped", MUTED)
    return Content("open")


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else ""


def describe_action(journal: Journal, action: ActionItem, today: date) -> list[Row]:
    rows: list[Row] = [
        *heading("action", _first_line(action.text)),
        Content(""),
        field("Pair", _pair_name(journal, action.pair_id)),
        field("Owner", action.owner.value),
        field("Due", fmt_day(action.due)),
        field("Status", action_status(action, today)),
    ]
    if action.status is ActionStatus.DONE:
        rows.append(field("Done on", fmt_day(action.completed_on)))
    rows.append(field("Evidence", action.evidence))
    rows += _share(journal, action)
    if action.session_id:
        rows.append(field("From session", _session_day(journal, action.session_id)))
    rows.append(field("Written", fmt_day(action.created.date())))
    if "\n" in action.text.strip():
        rows += [Content(""), *block("Full text", action.text)]
    return rows


def describe_session(journal: Journal, session: Session, today: date) -> list[Row]:
    length = f"{session.planned_minutes} min planned"
    if session.actual_minutes is not None:
        length += f", {session.actual_minutes} min held"
    rows: list[Row] = [
        *heading("session", f"Session {session.date.isoformat()}"),
        Content(""),
        field("Pair", _pair_name(journal, session.pair_id)),
        field("Length", length),
    ]
    if session.live:
        rows.append(field("State", Content.styled("still running: resume it from the home screen", "$text-warning")))
    rows.append(field("Check-in", " · ".join(x for x in (session.checkin_mood, session.checkin_note) if x)))
    rows += [Content(""), Content.styled("Agenda", LABEL)]
    rows += [bullet(item.text, "☑" if item.done else "☐") for item in session.agenda] or [
        Content.styled("(no agenda)", MUTED)
    ]
    rows += [Content(""), *block("Notes", session.notes)]
    takeaways = journal.takeaways(session_id=session.id)
    rows += [Content(""), Content.styled(f"Takeaways ({len(takeaways)})", LABEL)]
    rows += [bullet(Content.assemble(t.text, (f"  [{BADGES[journal.consent_status(t)]}]", MUTED))) for t in takeaways] or [
        Content.styled("(none captured)", MUTED)
    ]
    actions = [a for a in journal.actions(session.pair_id) if a.session_id == session.id]
    rows += [Content(""), Content.styled(f"Action items ({len(actions)})", LABEL)]
    rows += [
        bullet(Content.assemble(a.text, (f"  {a.owner.value}, due {fmt_day(a.due)}, ", MUTED), action_status(a, today)))
        for a in actions
    ] or [Content.styled("(none captured)", MUTED)]
    return rows


def describe_takeaway(journal: Journal, takeaway: Takeaway) -> list[Row]:
    rows: list[Row] = [
        *heading("takeaway", _first_line(takeaway.text)),
        Content(""),
        field("Pair", _pair_name(journal, takeaway.pair_id)),
        field("From session", _session_day(journal, takeaway.session_id)),
        *_share(journal, takeaway),
        field("Written", fmt_day(takeaway.created.date())),
    ]
    if "\n" in takeaway.text.strip():
        rows += [Content(""), *block("Full text", takeaway.text)]
    return rows


def prompt_text_of(journal: Journal, reflection: Reflection) -> str:
    if not reflection.prompt_id:
        return ""
    from pairjournal.journal.prompts import builtin_prompt

    prompt = journal.find(reflection.prompt_id) or builtin_prompt(reflection.prompt_id)
    return prompt.text if isinstance(prompt, Prompt) else "(a removed prompt)"


def describe_reflection(journal: Journal, reflection: Reflection) -> list[Row]:
    prompt_text = prompt_text_of(journal, reflection)
    rows: list[Row] = [
        *heading("reflection", reflection.title or ("Answer to a prompt" if prompt_text else "Free entry")),
        Content(""),
        field("Prompt", prompt_text or "free entry"),
        field("Pair", _pair_name(journal, reflection.pair_id)),
        field("Written", fmt_day(reflection.created.date())),
    ]
    if reflection.tags:
        rows.append(field("Tags", ", ".join(reflection.tags)))
    rows += [Content(""), *block("My answer", reflection.text)]
    return rows


def describe_prompt(journal: Journal, prompt: Prompt) -> list[Row]:
    answers = sum(1 for r in journal.all(Reflection) if r.prompt_id == prompt.id)
    return [
        *heading("prompt", CATEGORY_LABELS.get(prompt.category.value, prompt.category.value)),
        Content(""),
        Content(prompt.text),
        Content(""),
        field("When", prompt.timing.value),
        field("For", prompt.for_role.value if prompt.for_role else "everyone"),
        field("Source", "built-in library" if prompt.builtin else "written by me"),
        field("My answers", str(answers)),
    ]


def describe_pair(journal: Journal, pair: Pair) -> list[Row]:
    return [
        *heading("pair", pair.name),
        Content(""),
        field("My role", f"{pair.role.value} (partner: {pair.partner_role.value})"),
        field("Cadence", f"{pair.cadence.value}, {pair.minutes} minutes"),
        field("Program", pair.program),
        field("Coordinator", pair.coordinator),
        field("Started", fmt_day(pair.start)),
        field("Planned end", fmt_day(pair.planned_end)),
        field("Status", pair.status.value),
        field("Sessions held", str(sum(1 for s in journal.sessions(pair.id) if not s.live))),
    ]


def describe_progress(journal: Journal, entry: ObjectiveProgress) -> list[Row]:
    outcome = ""
    for version in reversed(journal.agreement_history(entry.pair_id)):
        found = [o.outcome for o in version.objectives if o.id == entry.objective_id]
        if found:
            outcome = found[0]
            break
    rating = "★" * entry.rating + "☆" * (5 - entry.rating) if 0 < entry.rating <= 5 else str(entry.rating)
    return [
        *heading("progress", outcome or "Objective progress"),
        Content(""),
        field("Pair", _pair_name(journal, entry.pair_id)),
        field("Objective", outcome or "(not in any agreement version)"),
        field("Rating", f"{rating} ({entry.rating}/5)"),
        field("On", fmt_day(entry.on)),
        field("Evidence", entry.evidence),
        *_share(journal, entry),
    ]


def describe(journal: Journal, entity: Any, today: date) -> list[Row]:
    """Every field of a record worth reading, labelled."""
    match entity:
        case ActionItem():
            return describe_action(journal, entity, today)
        case Session():
            return describe_session(journal, entity, today)
        case Takeaway():
            return describe_takeaway(journal, entity)
        case Reflection():
            return describe_reflection(journal, entity)
        case Prompt():
            return describe_prompt(journal, entity)
        case Pair():
            return describe_pair(journal, entity)
        case ObjectiveProgress():
            return describe_progress(journal, entity)
        case Agreement():
            from pairjournal.tui.screens.agreement import agreement_rows

            pair = journal.find(entity.pair_id)
            title = f"{_pair_name(journal, entity.pair_id)} · version {entity.version}"
            return [*heading("agreement", title), Content(""),
                    *agreement_rows(entity, pair if isinstance(pair, Pair) else None, today)]
    kind = getattr(entity, "KIND", "record")
    return [Content.styled(f"This {kind_name(kind).lower()} has no detail view.", MUTED)]


def destination(journal: Journal, entity: Any) -> tuple[str, Screen[Any]] | None:
    """Where a record lives in the interface: a label and a fresh screen that shows it."""
    from pairjournal.tui.screens.actions import ActionsScreen
    from pairjournal.tui.screens.agreement import AgreementScreen
    from pairjournal.tui.screens.reflections import ReflectionsScreen

    match entity:
        case Session():
            return "Open the session", DetailScreen(entity.id)
        case Takeaway() if entity.session_id and journal.find(entity.session_id) is not None:
            return "Open its session", DetailScreen(entity.session_id)
        case ActionItem():
            actions = ActionsScreen(entity.pair_id)
            actions.select_id = entity.id
            return "Open in Actions", actions
        case Reflection():
            reflections = ReflectionsScreen(entity.pair_id)
            reflections.open_reflection_id = entity.id
            return "Open in Reflections", reflections
        case Prompt():
            return "Answer this prompt", ReflectionsScreen(prompt_id=entity.id)
        case Agreement() | ObjectiveProgress():
            agreement = AgreementScreen(entity.pair_id)
            if isinstance(entity, Agreement):
                agreement.select_version = entity.version
            return "Open the agreement", agreement
        case Pair():
            return "Open the agreement", AgreementScreen(entity.id)
    return None


class RecordDetail(VerticalScroll, can_focus=True):
    """Scrollable, read-only rendering of one record."""

    DEFAULT_CSS = """
    RecordDetail { padding: 0 1; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None, placeholder: str = "") -> None:
        super().__init__(id=id, classes=classes)
        self.record_id: str | None = None
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        yield Document([Content.styled(self.placeholder, MUTED)], classes="detail-body")

    @property
    def document(self) -> Document:
        return self.query_one(".detail-body", Document)

    def show(self, record_id: str | None) -> None:
        self.record_id = record_id
        self.refresh_record()
        self.scroll_home(animate=False)

    def refresh_record(self) -> None:
        app: Any = self.app
        entity = app.journal.find(self.record_id) if self.record_id else None
        if entity is None:
            text = self.placeholder if self.record_id is None else "This record is no longer in the journal."
            rows: list[Row] = [Content.styled(text, MUTED)]
        else:
            clock = getattr(app, "today", None)
            rows = describe(app.journal, entity, clock() if callable(clock) else date.today())
        self.document.update(rows)


class DetailScreen(JournalScreen):
    """One record on its own screen; for a session this is the read-only session view."""

    PALETTE_GROUP = "Record"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("g", "go_to_owner", "Open where it lives", id="detail.go_to"),
    ]

    def __init__(self, record_id: str) -> None:
        super().__init__()
        self.record_id = record_id

    def compose(self) -> ComposeResult:
        yield Header()
        yield RecordDetail(id="detail-view")
        yield Footer()

    def on_mount(self) -> None:
        entity = self.journal.find(self.record_id)
        kind = getattr(entity, "KIND", "record")
        self.title = kind_name(kind)
        self.query_one(RecordDetail).show(self.record_id)
        self.query_one(RecordDetail).focus()

    def reload(self) -> None:
        self.query_one(RecordDetail).refresh_record()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "go_to_owner":
            entity = self.journal.find(self.record_id)
            # A session's own screen is this one already.
            return entity is not None and not isinstance(entity, Session) and (
                not isinstance(entity, Takeaway) or bool(entity.session_id)
            )
        return True

    def action_go_to_owner(self) -> None:
        entity = self.journal.find(self.record_id)
        target = destination(self.journal, entity) if entity is not None else None
        self.go_to(target[1] if target else None)
