"""How records read on screen: the interface's presenters, all in one place.

Each function turns journal records into what a person reads: rows
(pairjournal.tui.rows, drawn by the ``Document`` widget), one line of Content,
or plain text. They decide wording and emphasis only. What a record *is* (overdue, which
consent status, what a kind is called, which date was meant) is the domain's
answer (pairjournal.journal.vocabulary and outbound), rendered here, never
decided again.

Screens call these; nothing here imports a screen, so any screen may use any
presenter without an import circle.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from textual.content import Content

from pairjournal.journal.charter import TEXT_FIELDS, diff
from pairjournal.journal.home import partner_shared
from pairjournal.journal.outbound import (
    BADGES,
    CONSENT_KIND_LABELS,
    STATUS_EXPLANATIONS,
    ConsentStatus,
    Item,
    consent_kind,
    progress_level,
)
from pairjournal.journal.vocabulary import count_of, is_overdue, kind_name, kind_title
from pairjournal.model import (
    ActionItem,
    ActionStatus,
    Agreement,
    ObjectiveProgress,
    Pair,
    PairStatus,
    ProgressLevel,
    Prompt,
    PromptCategory,
    Recognition,
    Reflection,
    Role,
    Session,
    ShareScope,
    Takeaway,
)
from pairjournal.tui.rows import EMPTY, LABEL, MUTED, Row, Shown, block, bullet, field, prose

if TYPE_CHECKING:
    from pairjournal.journal import Journal
    from pairjournal.journal.home import PairHome
    from pairjournal.sharing.export import Prepared

# Headings of the prompt library, in the words of the reflection screen.
CATEGORY_LABELS: dict[PromptCategory, str] = {
    PromptCategory.LEADER: "Leader reflection",
    PromptCategory.MENTOR: "Mentor growth",
    PromptCategory.CHECK_IN: "Check-in",
    PromptCategory.LANGUAGE: "Opening language",
    PromptCategory.REPAIR: "Repair",
    PromptCategory.REVIEW: "Progress review",
    PromptCategory.CUSTOM: "My own prompts",
}

CADENCE_WORDS = {"weekly": "weekly", "biweekly": "every two weeks", "monthly": "monthly"}

# -- small words ------------------------------------------------------------------------------------


def fmt_day(day: date | None) -> str:
    return day.isoformat() if day else EMPTY


def first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else ""


# Where each rating sits on the scale, drawn as filled steps: readable without colour.
LEVEL_STEPS = {level: index for index, level in enumerate(ProgressLevel)}


def level_text(entry: ObjectiveProgress) -> str:
    """ "■■□ progressing": the rating on the stated scale, as steps and words."""
    level = progress_level(entry)
    steps = LEVEL_STEPS[level]
    return "■" * steps + "□" * (len(LEVEL_STEPS) - 1 - steps) + f" {level.value}"


def pair_state(pair: Pair) -> str:
    """Active, paused since a day, or ended on one."""
    if pair.status is PairStatus.ENDED:
        return f"ended {fmt_day(pair.ended_on)}" if pair.ended_on else "ended"
    if pair.status is PairStatus.PAUSED:
        since = pair.pauses[-1].start if pair.pauses else None
        return f"paused since {fmt_day(since)}" if since else "paused"
    return "active"


def category_label(category: PromptCategory) -> str:
    return CATEGORY_LABELS.get(category, category.value)


def role_phrase(pair: Pair) -> str:
    return "you mentor" if pair.role is Role.MENTOR else "you are mentored"


def badge(journal: Journal, item: Item) -> str:
    """Who may see an item, and what still stands in the way: its tag wherever it is listed."""
    return BADGES[journal.consent_status(item)]


def days_phrase(days: int) -> str:
    return "1 day" if abs(days) == 1 else f"{abs(days)} days"


def due_text(due: date, today: date) -> str:
    """How an open action's due date reads on home."""
    delta = (due - today).days
    if delta < 0:
        return f"overdue by {days_phrase(delta)}"
    if delta == 0:
        return "due today"
    if delta == 1:
        return "due tomorrow"
    return f"due {due.isoformat()}"


def next_session_text(due: date, today: date) -> tuple[str, bool]:
    """The next session's line on home, and whether it is overdue."""
    delta = (due - today).days
    if delta < 0:
        return f"Next session overdue by {days_phrase(delta)} (was due {due.isoformat()})", True
    if delta == 0:
        return "Next session due today", False
    return f"Next session due {due.isoformat()} (in {days_phrase(delta)})", False


def home_badge(home: PairHome, item: Takeaway) -> str:
    """A takeaway's tag on home, from the consent statuses the home data carries."""
    return BADGES[home.consent_of(item.id)]


def action_status(action: ActionItem, today: date) -> Content:
    if is_overdue(action, today):
        return Content.styled("overdue", "bold $text-error")
    if action.status is ActionStatus.DONE:
        return Content.styled("done", "$text-success")
    if action.status is ActionStatus.DROPPED:
        return Content.styled("dropped", MUTED)
    return Content("open")


# -- one record, field by field ------------------------------------------------------------------------


def heading(kind: str, title: str) -> list[Row]:
    return [Content.styled(kind_title(kind).upper(), "bold $accent"), Content.styled(title or EMPTY, "bold")]


def _pair_name(journal: Journal, pair_id: str | None) -> str:
    if pair_id is None:
        return ""
    pair = journal.find(pair_id)
    return pair.name if isinstance(pair, Pair) else "(a removed pair)"


def _share(journal: Journal, item: Item) -> list[Row]:
    state = journal.consent_status(item)
    rows: list[Row] = [field("Shared with", BADGES[state])]
    if item.scope is ShareScope.COORDINATOR:
        if state is ConsentStatus.CONSENTED and item.partner_consent is not None:
            given = item.partner_consent
            kind = consent_kind(item)
            label = CONSENT_KIND_LABELS[kind] if kind is not None else ""
            consent = f"both agreed; {label}, {given.given_on.isoformat()}"
            if given.receipt is None:
                consent += f" ({given.how})"
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


def describe_action(journal: Journal, action: ActionItem, today: date) -> list[Row]:
    rows: list[Row] = [
        *heading("action", first_line(action.text)),
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


def describe_session(journal: Journal, session: Session, today: date) -> list[Shown]:
    length = f"{session.planned_minutes} min planned"
    if session.actual_minutes is not None:
        length += f", {session.actual_minutes} min held"
    rows: list[Shown] = [
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
    rows += [Content(""), *prose("Notes", session.notes)]
    takeaways = journal.takeaways(session_id=session.id)
    rows += [Content(""), Content.styled(f"Takeaways ({len(takeaways)})", LABEL)]
    rows += [bullet(Content.assemble(t.text, (f"  [{badge(journal, t)}]", MUTED))) for t in takeaways] or [
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
        *heading("takeaway", first_line(takeaway.text)),
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
    """The words of the prompt a reflection answers ("" for a free entry)."""
    if not reflection.prompt_id:
        return ""
    from pairjournal.journal.prompts import builtin_prompt

    prompt = journal.find(reflection.prompt_id) or builtin_prompt(reflection.prompt_id)
    return prompt.text if isinstance(prompt, Prompt) else "(a removed prompt)"


def describe_reflection(journal: Journal, reflection: Reflection) -> list[Shown]:
    prompt_text = prompt_text_of(journal, reflection)
    rows: list[Shown] = [
        *heading("reflection", reflection.title or ("Answer to a prompt" if prompt_text else "Free entry")),
        Content(""),
        field("Prompt", prompt_text or "free entry"),
        field("Pair", _pair_name(journal, reflection.pair_id)),
        field("Written", fmt_day(reflection.created.date())),
    ]
    if reflection.tags:
        rows.append(field("Tags", ", ".join(reflection.tags)))
    rows += [Content(""), *prose("My answer", reflection.text)]
    return rows


def describe_prompt(journal: Journal, prompt: Prompt) -> list[Row]:
    answers = sum(1 for r in journal.all(Reflection) if r.prompt_id == prompt.id)
    return [
        *heading("prompt", category_label(prompt.category)),
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
        field("Cadence", f"{CADENCE_WORDS.get(journal.cadence_of(pair.id).value, pair.cadence.value)}, "
                         f"{journal.minutes_of(pair.id)} minutes"),
        field("Program", pair.program),
        field("Coordinator", pair.coordinator),
        field("Started", fmt_day(pair.start)),
        field("Planned end", fmt_day(pair.planned_end)),
        field("Status", pair_state(pair)),
        field("Sessions held", str(sum(1 for s in journal.sessions(pair.id) if not s.live))),
    ]


def archive_rows(journal: Journal, pair: Pair) -> list[Row]:
    """An ended pair: its details, then where each objective of its last agreement got to."""
    rows = describe_pair(journal, pair)
    agreement = journal.agreement(pair.id)
    rows += [Content(""), Content.styled("Where the objectives got to", LABEL)]
    if agreement is None or not agreement.objectives:
        rows.append(Content.styled("No agreement with objectives was written.", MUTED))
        return rows
    for number, objective in enumerate(agreement.objectives, 1):
        rows.append(field(f"{number}.", Content.styled(objective.outcome or EMPTY, "bold"), label_width=3))
        trail = journal.progress_of(objective.id, pair.id)
        rows += trail_rows(trail[-1:])
    return rows


def describe_progress(journal: Journal, entry: ObjectiveProgress) -> list[Row]:
    outcome = ""
    for version in reversed(journal.agreement_history(entry.pair_id)):
        found = [o.outcome for o in version.objectives if o.id == entry.objective_id]
        if found:
            outcome = found[0]
            break
    return [
        *heading("progress", outcome or "Objective progress"),
        Content(""),
        field("Pair", _pair_name(journal, entry.pair_id)),
        field("Objective", outcome or "(not in any agreement version)"),
        field("Rating", level_text(entry)),
        field("On", fmt_day(entry.on)),
        field("Evidence", entry.evidence),
        *_share(journal, entry),
    ]


def describe_recognition(journal: Journal, recognition: Recognition) -> list[Row]:
    return [
        *heading("recognition", first_line(recognition.text)),
        Content(""),
        field("Pair", _pair_name(journal, recognition.pair_id)),
        *_share(journal, recognition),
        field("Written", fmt_day(recognition.created.date())),
        Content(""),
        *block("Recognition", recognition.text),
    ]


def describe_agreement(journal: Journal, agreement: Agreement, today: date) -> list[Row]:
    pair = journal.find(agreement.pair_id)
    title = f"{_pair_name(journal, agreement.pair_id)} · version {agreement.version}"
    return [*heading("agreement", title), Content(""),
            *agreement_rows(agreement, pair if isinstance(pair, Pair) else None, today)]


def record_kind(entity: object) -> str:
    """The kind a record says it is ("record" for anything else)."""
    kind = getattr(entity, "KIND", "record")
    return kind if isinstance(kind, str) else "record"


def describe_record(journal: Journal, entity: object, today: date) -> Sequence[Shown]:
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
        case Recognition():
            return describe_recognition(journal, entity)
        case Agreement():
            return describe_agreement(journal, entity, today)
    return [Content.styled(f"This {kind_name(record_kind(entity))} has no detail view.", MUTED)]


# -- the agreement -------------------------------------------------------------------------------------


def diff_rows(old: Agreement | None, new: Agreement, *, changes_only: bool = False) -> list[Row]:
    """What changed from ``old`` to ``new`` (charter.diff): removed in red with -, added in green with +;
    with ``changes_only``, only those lines."""
    lines = diff(old, new)
    if not any(line.mark in "+-" for line in lines):
        return [Content.styled("These two versions say the same thing.", MUTED)]
    rows: list[Row] = []
    for line in lines:
        if changes_only and line.mark not in "+-":
            continue
        style = {"+": "bold $text-success", "-": "bold $text-error"}.get(line.mark, MUTED)
        rows.append(field(line.mark.strip(), Content.styled(line.text, style), label_width=2, label_style=style))
    return rows


def trail_rows(trail: Sequence[ObjectiveProgress], *, indent: int = 3) -> list[Row]:
    """An objective's progress entries, oldest first: the day, the rating as steps and words, the evidence."""
    if not trail:
        return [field("progress", Content.styled("none recorded yet", MUTED), indent=indent, label_width=10)]
    rows: list[Row] = []
    for number, entry in enumerate(trail):
        value = Content.assemble((fmt_day(entry.on), MUTED), "  ", (level_text(entry), "bold"),
                                 (f"  {entry.evidence}" if entry.evidence.strip() else "", ""))
        rows.append(field("progress" if number == 0 else "", value, indent=indent, label_width=10))
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


def agreement_rows(agreement: Agreement, pair: Pair | None, today: date,
                   trails: dict[str, list[ObjectiveProgress]] | None = None) -> list[Row]:
    """One version laid out for reading; with ``trails``, each objective's progress beneath it."""
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
        if trails is not None:
            rows += trail_rows(trails.get(objective.id, []))
    rows.append(Content(""))
    rhythm = CADENCE_WORDS.get(agreement.cadence.value, agreement.cadence.value)
    rows.append(field("Rhythm", f"{rhythm} · {agreement.minutes} min"))  # as home says it
    for name, label, _ in TEXT_FIELDS:
        rows.append(field(label, getattr(agreement, name)))
    rows.append(field("Review date", _review(agreement, today)))
    partner = pair.name if pair else "partner"
    rows.append(field("Acknowledged", Content.assemble("me ", _ack(agreement.my_ack))))
    rows.append(field("", Content.assemble(f"{partner} ", _ack(agreement.partner_ack))))
    return rows


# -- a session's captures --------------------------------------------------------------------------------


def partner_lines(journal: Journal, pair: Pair) -> list[tuple[str, str]]:
    """(text, css class) lines for what the partner shared from their own journal: their open
    actions, to go through together, then their latest other items. Empty for an unlinked pair."""
    actions, recent = partner_shared(journal.partner_items(pair.id))
    if not actions and not recent:
        return []
    lines: list[tuple[str, str]] = [(f"Shared by {pair.name}", "captured-head")]
    for item in actions:
        due = f", due {item.due.isoformat()}" if item.due else ""
        lines.append((f"□ {item.text}  [theirs{due}]", "captured-item"))
    for item in recent:
        lines.append((f"• {item.text}  [{kind_name(item.kind)}]", "captured-item"))
    return lines


def captured_lines(journal: Journal, session: Session, *, takeaway_key: str = "ctrl+t",
                   action_key: str = "ctrl+o") -> list[tuple[str, str]]:
    """(text, css class) lines for what this session captured; an empty list names the key that adds
    one on the screen showing it (the live session's by default; the summary passes its own)."""
    lines: list[tuple[str, str]] = []
    takeaways = journal.takeaways(session.pair_id, session_id=session.id)
    actions = [a for a in journal.actions(session.pair_id) if a.session_id == session.id]
    lines.append((f"Takeaways ({len(takeaways)})", "captured-head"))
    if not takeaways:
        lines.append((f"{takeaway_key} captures one", "captured-empty"))
    for takeaway in takeaways:
        lines.append((f"• {takeaway.text}  [{badge(journal, takeaway)}]", "captured-item"))
    lines.append((f"Actions ({len(actions)})", "captured-head"))
    if not actions:
        lines.append((f"{action_key} captures one", "captured-empty"))
    for action in actions:
        due = f", due {action.due.isoformat()}" if action.due else ""
        lines.append((f"□ {action.text}  [{action.owner.value}{due}; {badge(journal, action)}]", "captured-item"))
    return lines


# -- an export, before it is written ----------------------------------------------------------------------


def describe_export(prepared: Prepared) -> str:
    """One line on what the file discloses: counts per kind, recipient and signer; then each name replaced."""
    counts: dict[str, int] = {}
    for item in prepared.summary.items:
        counts[item.kind] = counts.get(item.kind, 0) + 1
    parts = [count_of(kind, n) for kind, n in counts.items()] or ["no items"]
    lines = [
        f"For {prepared.summary.recipient}: {', '.join(parts)}, plus counts. "
        f"{len(prepared.data):,} bytes, SHA-256 {prepared.sha256[:16]}…"
    ]
    if prepared.summary.pseudonymized:
        found = prepared.replacements
        lines.append(
            f"Pseudonyms: {len(found)} name{'' if len(found) == 1 else 's'} replaced"
            + (": check each one below." if found else ".")
        )
        lines += [f"  “{r.original}” → {r.stand_in}  in {r.where}: {r.context}" for r in found]
    return "\n".join(lines)
