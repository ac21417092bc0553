"""A journal kept for years: correcting and removing records, a pair's life, its charter and progress.

Thin click plumbing over the Journal's verbs (journal/pairs.py, items.py,
sessions.py, reflecting.py): each command parses, calls one verb, prints. The
groups `pair`, `session`, `takeaway` and `action` live in core.py; this module
adds their editing commands and the `reflection`, `prompt`, `agreement`,
`progress`, `agenda` and `recognition` groups. Deleting asks first, unless
`--yes`; without a terminal to ask on, it refuses with one line.
"""

from __future__ import annotations

import sys
from datetime import date
from typing import Any

import click

from pairjournal.cli.base import DATE, PRIVATE_TEXT, emit_json, open_journal, pass_journal
from pairjournal.cli.core import CADENCES, OWNERS, ROLES, SCOPES, action, pair, record_json, session, takeaway
from pairjournal.errors import UsageError
from pairjournal.journal import charter, codec
from pairjournal.journal.outbound import BADGES, progress_level
from pairjournal.journal.service import Journal
from pairjournal.model import (
    ActionStatus,
    Agreement,
    Objective,
    ObjectiveProgress,
    ProgressLevel,
    PromptTiming,
    Reflection,
    Session,
)
from pairjournal.termtext import printable

LEVELS = click.Choice([level.value for level in ProgressLevel])
STATUSES = click.Choice([s.value for s in ActionStatus])
TIMINGS = click.Choice([t.value for t in PromptTiming])


def confirm(question: str, yes: bool) -> None:
    """Asks before something is removed; --yes answers for scripts."""
    if yes:
        return
    if not sys.stdin or not sys.stdin.isatty():
        raise UsageError(f"{question.rstrip('?')}: this cannot be undone, so pass --yes to confirm")
    click.confirm(question, default=False, abort=True, err=True)


def _echo(text: str) -> None:
    click.echo(printable(text))


# -- pairs -------------------------------------------------------------------------------


@pair.command("edit")
@click.argument("name")
@click.option("--name", "new_name", type=PRIVATE_TEXT, default=None, help="A new name for the partner.")
@click.option("--role", type=ROLES, default=None, help="Your role in this pair.")
@click.option("--cadence", type=CADENCES, default=None, help="How often you meet (until an agreement says).")
@click.option("--minutes", type=click.IntRange(1, 600), default=None, help="Planned session length.")
@click.option("--program", type=PRIVATE_TEXT, default=None, help="Program or cohort name.")
@click.option("--coordinator", type=PRIVATE_TEXT, default=None, help="The program coordinator.")
@click.option("--start", type=DATE, default=None, help="When the pair started.")
@click.option("--planned-end", type=DATE, default=None, help="When the pair is planned to end (rotation).")
@pass_journal
def pair_edit(journal: Journal, name: str, **changes: Any) -> None:
    """Change any of a pair's fields: NAME is the pair as it is named now."""
    if "new_name" in changes:
        changes["name"] = changes.pop("new_name")
    given = {k: v for k, v in changes.items() if v is not None}
    if not given:
        raise UsageError("say what to change (see `pairjournal pair edit --help`)")
    edited = journal.edit_pair(journal.pair(name).id, **given)
    _echo(f"Updated pair {edited.name} [{edited.id[:8]}]: {', '.join(sorted(given))}")


@pair.command("pause")
@click.argument("name")
@click.option("--on", "on", type=DATE, default=None, help="When the pause starts (default: today).")
@pass_journal
def pair_pause(journal: Journal, name: str, on: date | None) -> None:
    """Pause a pair: no session is expected, or counted as missed, until it resumes."""
    paused = journal.pause_pair(journal.pair(name).id, on=on)
    _echo(f"Paused the pair with {paused.name} from {paused.pauses[-1].start.isoformat()}.")


@pair.command("resume")
@click.argument("name")
@click.option("--on", "on", type=DATE, default=None, help="When the pause ends (default: today).")
@pass_journal
def pair_resume(journal: Journal, name: str, on: date | None) -> None:
    """Resume a paused pair."""
    resumed = journal.resume_pair(journal.pair(name).id, on=on)
    _echo(f"Resumed the pair with {resumed.name}.")


@pair.command("end")
@click.argument("name")
@click.option("--on", "on", type=DATE, default=None, help="The pair's last day (default: today).")
@click.option("--yes", is_flag=True, help="Do not ask first (for scripts).")
@pass_journal
def pair_end(journal: Journal, name: str, on: date | None, yes: bool) -> None:
    """End a pair: it is archived (read-only, off home), every record kept, its exports still possible."""
    found = journal.pair(name)
    confirm(f"End the pair with {printable(found.name)} and archive it?", yes)
    ended = journal.end_pair(found.id, on=on)
    _echo(f"Ended the pair with {ended.name} on {ended.ended_on.isoformat() if ended.ended_on else '?'}; "
          "it is archived (`pairjournal pair list --all`).")
    closing = journal.closing_prompts(ended.id)
    if closing:
        click.echo("To close it well, reflect on one of these (`pairjournal reflect - --prompt ID`):")
        for prompt in closing:
            _echo(f"  {prompt.id}: {prompt.text}")


@pair.command("delete")
@click.argument("name")
@click.option("--yes", is_flag=True, help="Do not ask first (for scripts).")
@pass_journal
def pair_delete(journal: Journal, name: str, yes: bool) -> None:
    """Delete a pair and everything recorded for it (the disclosure log keeps its entries)."""
    found = journal.pair(name)
    confirm(f"Delete the pair with {printable(found.name)} and every session, item and reflection of it?", yes)
    gone = journal.delete_pair(found.id)
    what = ", ".join(f"{n} {kind}" for kind, n in sorted(gone.items())) or "nothing else"
    _echo(f"Deleted the pair with {found.name} and {what}.")


# -- sessions -------------------------------------------------------------------------------


def _session_json(journal: Journal, found: Session) -> dict[str, Any]:
    data = record_json(journal, found)
    data["takeaways"] = [record_json(journal, t) for t in journal.takeaways(found.pair_id, session_id=found.id)]
    data["actions"] = [record_json(journal, a) for a in journal.actions(found.pair_id) if a.session_id == found.id]
    return data


@session.command("list")
@click.option("--pair", "pair_name", default=None, help="Only this pair.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@pass_journal
def session_list(journal: Journal, pair_name: str | None, as_json: bool) -> None:
    """List sessions, newest first: date, length against planned, mood, what each captured."""
    pairs = [journal.pair(pair_name)] if pair_name else journal.pairs()
    rows = [(p, line) for p in pairs for line in journal.session_history(p.id)]
    if as_json:
        emit_json(
            [
                {**record_json(journal, line.session), "takeaway_count": line.takeaways, "action_count": line.actions}
                for _, line in rows
            ]
        )
        return
    if not rows:
        click.echo("No sessions yet.")
    for p, line in rows:
        s = line.session
        state = " (live)" if s.live else ""
        mood = s.checkin_mood or "-"
        _echo(
            f"[{s.id[:8]}] {s.date.isoformat()}  {p.name:<16} {line.length_text:<14} mood {mood:<10} "
            f"{line.takeaways} takeaway(s), {line.actions} action(s){state}"
        )


@session.command("show")
@click.argument("session_id")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@pass_journal
def session_show(journal: Journal, session_id: str, as_json: bool) -> None:
    """Show one session: its agenda, check-in, notes, and what it captured."""
    found = journal.get(Session, session_id)
    if as_json:
        emit_json(_session_json(journal, found))
        return
    owner = journal.find(found.pair_id)
    held = f"{found.actual_minutes} of {found.planned_minutes} min" if found.actual_minutes else "still running"
    _echo(f"Session {found.date.isoformat()} with {getattr(owner, 'name', '?')} [{found.id[:8]}]: {held}")
    if found.checkin_mood or found.checkin_note:
        _echo(f"Check-in: {' · '.join(x for x in (found.checkin_mood, found.checkin_note) if x)}")
    if found.agenda:
        click.echo("Agenda:")
        for item in found.agenda:
            _echo(f"  [{'x' if item.done else ' '}] {item.text}")
    if found.notes.strip():
        click.echo("Notes:")
        for line in found.notes.splitlines():
            _echo(f"  {line}")
    for t in journal.takeaways(found.pair_id, session_id=found.id):
        _echo(f"Takeaway [{t.id[:8]}] ({BADGES[journal.consent_status(t)]}): {t.text}")
    for a in (a for a in journal.actions(found.pair_id) if a.session_id == found.id):
        _echo(f"Action [{a.id[:8]}] ({a.status.value}, {a.owner.value}): {a.text}")


@session.command("edit")
@click.argument("session_id")
@click.option("--notes", type=PRIVATE_TEXT, default=None, help="The notes, replaced whole (`-`: standard input).")
@click.option("--date", "on", type=DATE, default=None, help="When it took place.")
@click.option("--minutes", type=click.IntRange(1, 600), default=None, help="How long it actually ran.")
@click.option("--planned-minutes", type=click.IntRange(1, 600), default=None, help="How long it was planned.")
@click.option("--mood", default=None, help="The check-in mood (a word: drained, tense, steady, curious, energised).")
@click.option("--checkin", type=PRIVATE_TEXT, default=None, help="The check-in note.")
@pass_journal
def session_edit(
    journal: Journal,
    session_id: str,
    notes: str | None,
    on: date | None,
    minutes: int | None,
    planned_minutes: int | None,
    mood: str | None,
    checkin: str | None,
) -> None:
    """Correct a session, ended or not."""
    changes = {
        "notes": notes, "date": on, "actual_minutes": minutes, "planned_minutes": planned_minutes,
        "checkin_mood": mood, "checkin_note": checkin,
    }
    given = {k: v for k, v in changes.items() if v is not None}
    if not given:
        raise UsageError("say what to change (see `pairjournal session edit --help`)")
    edited = journal.edit_session(journal.get(Session, session_id).id, **given)
    _echo(f"Updated session {edited.date.isoformat()} [{edited.id[:8]}]: {', '.join(sorted(given))}")


@session.command("delete")
@click.argument("session_id")
@click.option("--yes", is_flag=True, help="Do not ask first (for scripts).")
@pass_journal
def session_delete(journal: Journal, session_id: str, yes: bool) -> None:
    """Delete a session; the takeaways and actions captured in it stay."""
    found = journal.get(Session, session_id)
    confirm(f"Delete the session of {found.date.isoformat()}?", yes)
    journal.delete_session(found.id)
    _echo(f"Deleted the session of {found.date.isoformat()} [{found.id[:8]}].")


@session.command("discard")
@click.argument("session_id")
@click.option("--yes", is_flag=True, help="Do not ask first (for scripts).")
@pass_journal
def session_discard(journal: Journal, session_id: str, yes: bool) -> None:
    """Discard a live session started by mistake, with what it captured: no trace, never counted as held."""
    found = journal.get(Session, session_id)
    confirm(f"Discard the session started {found.date.isoformat()} and what it captured?", yes)
    journal.discard_session(found.id)
    _echo(f"Discarded the session [{found.id[:8]}].")


# -- takeaways, actions, recognitions --------------------------------------------------------


@takeaway.command("edit")
@click.argument("takeaway_id")
@click.argument("text", type=PRIVATE_TEXT)
@pass_journal
def takeaway_edit(journal: Journal, takeaway_id: str, text: str) -> None:
    """Correct a takeaway's text (`-`: from standard input). Shared, it needs consent again."""
    edited = journal.edit_takeaway(takeaway_id, text)
    _echo(f"Updated takeaway [{edited.id[:8]}] ({BADGES[journal.consent_status(edited)]})")


def _delete_item(journal: Journal, item_id: str, yes: bool, kind: str) -> None:
    item = journal._item(item_id)
    if kind != item.KIND:
        raise UsageError(f"{item_id!r} is a {item.KIND}, not a {kind}")
    confirm(f"Delete this {kind} [{item.id[:8]}]?", yes)
    journal.delete_item(item.id)
    _echo(f"Deleted {kind} [{item.id[:8]}].")


@takeaway.command("delete")
@click.argument("takeaway_id")
@click.option("--yes", is_flag=True, help="Do not ask first (for scripts).")
@pass_journal
def takeaway_delete(journal: Journal, takeaway_id: str, yes: bool) -> None:
    """Delete a takeaway (an export that carried it keeps its log entry)."""
    _delete_item(journal, takeaway_id, yes, "takeaway")


@action.command("edit")
@click.argument("action_id")
@click.option("--text", type=PRIVATE_TEXT, default=None, help="What will be done.")
@click.option("--owner", type=OWNERS, default=None, help="Who will do it.")
@click.option("--due", type=DATE, default=None, help="Due date.")
@click.option("--no-due", is_flag=True, help="Remove the due date.")
@click.option("--evidence", type=PRIVATE_TEXT, default=None, help="What shows it is done.")
@click.option("--status", type=STATUSES, default=None, help="open, done or dropped.")
@pass_journal
def action_edit(
    journal: Journal,
    action_id: str,
    text: str | None,
    owner: str | None,
    due: date | None,
    no_due: bool,
    evidence: str | None,
    status: str | None,
) -> None:
    """Change an action item's text, owner, due date, evidence or status."""
    if due is not None and no_due:
        raise UsageError("give --due or --no-due, not both")
    given: dict[str, object] = {
        k: v for k, v in {"text": text, "owner": owner, "due": due, "evidence": evidence, "status": status}.items()
        if v is not None
    }
    if no_due:
        given["due"] = None
    if not given:
        raise UsageError("say what to change (see `pairjournal action edit --help`)")
    edited = journal.edit_action(action_id, **given)
    _echo(f"Updated action [{edited.id[:8]}]: {', '.join(sorted(given))}")


@action.command("reopen")
@click.argument("action_id")
@pass_journal
def action_reopen(journal: Journal, action_id: str) -> None:
    """Open a done or dropped action item again."""
    reopened = journal.reopen_action(action_id)
    _echo(f"Reopened action [{reopened.id[:8]}]")


@action.command("drop")
@click.argument("action_id")
@pass_journal
def action_drop(journal: Journal, action_id: str) -> None:
    """Drop an action item that will not be done."""
    dropped = journal.drop_action(action_id)
    _echo(f"Dropped action [{dropped.id[:8]}]")


@action.command("delete")
@click.argument("action_id")
@click.option("--yes", is_flag=True, help="Do not ask first (for scripts).")
@pass_journal
def action_delete(journal: Journal, action_id: str, yes: bool) -> None:
    """Delete an action item."""
    _delete_item(journal, action_id, yes, "action")


@click.group()
def recognition() -> None:
    """Recognition of the mentor's contribution, written by the mentee; shareable with consent."""


@recognition.command("add")
@click.argument("text", type=PRIVATE_TEXT)
@click.option("--pair", "pair_name", required=True, help="The pair's name.")
@click.option("--share", type=SCOPES, default="private", show_default=True, help="Who may see it.")
@pass_journal
def recognition_add(journal: Journal, text: str, pair_name: str, share: str) -> None:
    """Write recognition of what your mentor contributed (`-`: from standard input)."""
    made = journal.add_recognition(journal.pair(pair_name).id, text, scope=share)
    _echo(f"Saved recognition [{made.id[:8]}] ({BADGES[journal.consent_status(made)]})")


@recognition.command("edit")
@click.argument("recognition_id")
@click.argument("text", type=PRIVATE_TEXT)
@pass_journal
def recognition_edit(journal: Journal, recognition_id: str, text: str) -> None:
    """Correct a recognition (`-`: from standard input). Shared, it needs consent again."""
    edited = journal.edit_recognition(recognition_id, text)
    _echo(f"Updated recognition [{edited.id[:8]}] ({BADGES[journal.consent_status(edited)]})")


@recognition.command("delete")
@click.argument("recognition_id")
@click.option("--yes", is_flag=True, help="Do not ask first (for scripts).")
@pass_journal
def recognition_delete(journal: Journal, recognition_id: str, yes: bool) -> None:
    """Delete a recognition."""
    _delete_item(journal, recognition_id, yes, "recognition")


# -- reflections and prompts ----------------------------------------------------------------------


@click.group()
def reflection() -> None:
    """Correct or delete private reflections (write new ones with `pairjournal reflect`)."""


@reflection.command("edit")
@click.argument("reflection_id")
@click.argument("text", type=PRIVATE_TEXT, required=False)
@click.option("--title", type=PRIVATE_TEXT, default=None, help="A new title.")
@click.option("--tag", "tags", multiple=True, help="The tags, replaced whole (repeat for several).")
@pass_journal
def reflection_edit(
    journal: Journal, reflection_id: str, text: str | None, title: str | None, tags: tuple[str, ...]
) -> None:
    """Change a reflection's TEXT (`-`: from standard input), title or tags."""
    given: dict[str, object] = {k: v for k, v in {"text": text, "title": title}.items() if v is not None}
    if tags:
        given["tags"] = list(tags)
    if not given:
        raise UsageError("say what to change (see `pairjournal reflection edit --help`)")
    edited = journal.edit_reflection(journal.get(Reflection, reflection_id).id, **given)
    _echo(f"Updated reflection [{edited.id[:8]}] (private)")


@reflection.command("delete")
@click.argument("reflection_id")
@click.option("--yes", is_flag=True, help="Do not ask first (for scripts).")
@pass_journal
def reflection_delete(journal: Journal, reflection_id: str, yes: bool) -> None:
    """Delete a reflection."""
    found = journal.get(Reflection, reflection_id)
    confirm(f"Delete the reflection [{found.id[:8]}]?", yes)
    journal.delete_reflection(found.id)
    _echo(f"Deleted reflection [{found.id[:8]}].")


@click.group()
def prompt() -> None:
    """Your own reflection prompts, beside the built-in library (`pairjournal list prompts`)."""


@prompt.command("add")
@click.argument("text", type=PRIVATE_TEXT)
@click.option("--timing", type=TIMINGS, default="any", show_default=True, help="When it is offered.")
@pass_journal
def prompt_add(journal: Journal, text: str, timing: str) -> None:
    """Add a prompt of your own."""
    made = journal.add_prompt(text, timing=timing)
    _echo(f"Added prompt [{made.id[:8]}]")


@prompt.command("edit")
@click.argument("prompt_id")
@click.argument("text", type=PRIVATE_TEXT, required=False)
@click.option("--timing", type=TIMINGS, default=None, help="When it is offered.")
@pass_journal
def prompt_edit(journal: Journal, prompt_id: str, text: str | None, timing: str | None) -> None:
    """Change one of your own prompts."""
    if text is None and timing is None:
        raise UsageError("say what to change (see `pairjournal prompt edit --help`)")
    edited = journal.edit_prompt(prompt_id, text=text, timing=timing)
    _echo(f"Updated prompt [{edited.id[:8]}]")


@prompt.command("delete")
@click.argument("prompt_id")
@click.option("--yes", is_flag=True, help="Do not ask first (for scripts).")
@pass_journal
def prompt_delete(journal: Journal, prompt_id: str, yes: bool) -> None:
    """Delete one of your own prompts (reflections that answered it keep their text)."""
    confirm(f"Delete the prompt {prompt_id}?", yes)
    gone = journal.delete_prompt(prompt_id)
    _echo(f"Deleted prompt [{gone.id[:8]}].")


# -- the agreement ------------------------------------------------------------------------------


class ObjectivesCommand(click.Command):
    """Reads `--objective OUTCOME [--evidence TEXT] [--timebox DATE]`, repeated, as groups in order.

    click keeps each option's values in order but not their order among options, so
    the groups are read from the arguments as typed, before click parses them.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        groups: list[dict[str, str]] = []
        names = {"--objective": "outcome", "--evidence": "evidence", "--timebox": "timebox"}
        i = 0
        while i < len(args):
            flag, _, inline = args[i].partition("=")
            if flag in names:
                value = inline if inline else (args[i + 1] if i + 1 < len(args) else "")
                if flag == "--objective":
                    groups.append({"outcome": value})
                elif not groups:
                    raise click.UsageError(f"{flag} belongs after the --objective it describes", ctx=ctx)
                elif names[flag] in groups[-1]:
                    raise click.UsageError(f"one {flag} per --objective", ctx=ctx)
                else:
                    groups[-1][names[flag]] = value
                i += 1 if inline else 2
                continue
            i += 1
        ctx.meta["pairjournal.objectives"] = groups
        return super().parse_args(ctx, args)


def _objectives(ctx: click.Context, current: Agreement | None, outcomes: list[str]) -> list[Objective] | None:
    groups: list[dict[str, str]] = ctx.meta.get("pairjournal.objectives", [])
    if not groups:
        return None
    made = []
    for number, group in enumerate(groups, 1):
        outcome = (outcomes[number - 1] if number <= len(outcomes) else group["outcome"]).strip()
        if not outcome:
            raise UsageError(f"objective {number} needs an outcome")
        timebox = DATE.convert(group["timebox"], None, ctx) if group.get("timebox") else None
        objective = Objective(outcome=outcome, evidence=group.get("evidence", "").strip(), timebox=timebox)
        # The same outcome as before is the same objective: its trail and sharing stay with it.
        kept = next((o.id for o in current.objectives if o.outcome == outcome), None) if current else None
        if kept is not None:
            objective.id = kept
        made.append(objective)
    return made


def _agreement_json(found: Agreement) -> dict[str, Any]:
    data = codec.to_dict(found)
    data["kind"] = "agreement"
    data["acknowledged_by_both"] = found.my_ack is not None and found.partner_ack is not None
    return data


def _version(journal: Journal, pair_id: str, version: int | None) -> Agreement:
    history = journal.agreement_history(pair_id)
    if not history:
        raise UsageError("this pair has no agreement yet (`pairjournal agreement new --pair NAME ...`)")
    if version is None:
        return history[-1]
    found = next((a for a in history if a.version == version), None)
    if found is None:
        raise UsageError(f"there is no version {version} (versions 1 to {history[-1].version})")
    return found


@click.group()
def agreement() -> None:
    """The pair's charter: objectives, rhythm and norms, in versions both partners acknowledge."""


@agreement.command("show")
@click.option("--pair", "pair_name", required=True, help="The pair's name.")
@click.option("--version", type=click.IntRange(1, 10**6), default=None, help="A version (default: the current one).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@pass_journal
def agreement_show(journal: Journal, pair_name: str, version: int | None, as_json: bool) -> None:
    """Show the current agreement (or one version): objectives with their ids and progress, and every term."""
    owner = journal.pair(pair_name)
    found = _version(journal, owner.id, version)
    if as_json:
        emit_json(_agreement_json(found))
        return
    acked = "acknowledged by both" if found.my_ack and found.partner_ack else "not acknowledged by both yet"
    _echo(f"Agreement with {owner.name}, version {found.version} ({acked})")
    for number, objective in enumerate(found.objectives, 1):
        trail = journal.progress_of(objective.id, owner.id)
        latest = f", last rated {progress_level(trail[-1]).label}" if trail else ""
        _echo(f"  Objective {number} [{objective.id}] ({BADGES[journal.consent_status(objective)]}{latest}): "
              f"{objective.outcome}")
        if objective.evidence:
            _echo(f"    evidence: {objective.evidence}")
        if objective.timebox:
            _echo(f"    timebox: {objective.timebox.isoformat()}")
    for line in charter.agreement_lines(found):
        if not line.startswith(("Objective", "  Evidence", "  Timebox")):
            _echo(f"  {line}")


@agreement.command("history")
@click.option("--pair", "pair_name", required=True, help="The pair's name.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@pass_journal
def agreement_history(journal: Journal, pair_name: str, as_json: bool) -> None:
    """List every version of the pair's agreement, oldest first."""
    history = journal.agreement_history(journal.pair(pair_name).id)
    if as_json:
        emit_json([_agreement_json(a) for a in history])
        return
    if not history:
        click.echo("No agreement yet.")
    for a in history:
        mine = a.my_ack.isoformat() if a.my_ack else "-"
        theirs = a.partner_ack.isoformat() if a.partner_ack else "-"
        _echo(f"v{a.version}  {a.created.date().isoformat()}  {len(a.objectives)} objective(s)  "
              f"acknowledged: me {mine}, partner {theirs}")


@agreement.command("new", cls=ObjectivesCommand)
@click.option("--pair", "pair_name", required=True, help="The pair's name.")
@click.option("--objective", "objective_outcomes", multiple=True, type=PRIVATE_TEXT,
              help="An observable outcome; repeat for each. Replaces the objectives when given.")
@click.option("--evidence", "objective_evidence", multiple=True,
              help="After an --objective: what will show it is reached.")
@click.option("--timebox", "objective_timeboxes", multiple=True, help="After an --objective: by when (YYYY-MM-DD).")
@click.option("--cadence", type=CADENCES, default=None, help="How often you meet.")
@click.option("--minutes", type=click.IntRange(1, 600), default=None, help="Planned session length.")
@click.option("--confidentiality", type=PRIVATE_TEXT, default=None, help="What stays between you.")
@click.option("--scope", "scope_text", type=PRIVATE_TEXT, default=None, help="What you will and will not cover.")
@click.option("--scheduling", type=PRIVATE_TEXT, default=None, help="When you meet and how a session moves.")
@click.option("--feedback-norms", type=PRIVATE_TEXT, default=None, help="How feedback is given and taken.")
@click.option("--repair-routine", type=PRIVATE_TEXT, default=None, help="What you do after a misstep.")
@click.option("--review-date", type=DATE, default=None, help="When you review the agreement together.")
@click.pass_context
def agreement_new(ctx: click.Context, /, pair_name: str, **options: Any) -> None:
    """Write a new version (built on the current one); both partners acknowledge it again."""
    outcomes = list(options.pop("objective_outcomes"))  # as click read them: `-` already from standard input
    for name in ("objective_evidence", "objective_timeboxes"):
        options.pop(name)
    changes: dict[str, object] = {}
    names = {"scope_text": "scope"}
    for name, value in options.items():
        if value is not None:
            changes[names.get(name, name)] = value
    with open_journal(ctx) as journal:
        owner = journal.pair(pair_name)
        objectives = _objectives(ctx, journal.agreement(owner.id), outcomes)
        if objectives is not None:
            changes["objectives"] = objectives
        if not changes and journal.agreement(owner.id) is not None:
            raise UsageError("say what the new version changes (see `pairjournal agreement new --help`)")
        made = journal.new_agreement_version(owner.id, **changes)
        _echo(f"Saved agreement version {made.version} with {owner.name} [{made.id[:8]}]; "
              "both of you acknowledge it with `pairjournal agreement ack`.")


@agreement.command("ack")
@click.option("--pair", "pair_name", required=True, help="The pair's name.")
@click.option("--me", "mine", is_flag=True, help="Record your own acknowledgement (signed, in a linked pair).")
@click.option("--partner", "theirs", is_flag=True,
              help="Record your partner's acknowledgement (unlinked pairs: in a linked one they sign it).")
@click.option("--on", "on", type=DATE, default=None, help="When (default: today).")
@click.option("--yes", is_flag=True, help="In a linked pair: sign without being asked, having read the diff.")
@pass_journal
def agreement_ack(journal: Journal, pair_name: str, mine: bool, theirs: bool, on: date | None, yes: bool) -> None:
    """Acknowledge the current version (yours with --me, your partner's with --partner)."""
    if mine == theirs:
        raise UsageError("say whose acknowledgement this is: --me or --partner")
    owner = journal.pair(pair_name)
    current = _version(journal, owner.id, None)
    day = on or date.today()
    if mine and journal.partner_link(owner.id) is not None:
        from pairjournal.sharing import bundles

        # In a linked pair my acknowledgement is a signature over the version's hash: shown the
        # change first (since the last version both signed), as the partner is in theirs.
        history = journal.agreement_history(owner.id)
        base = next((a for a in reversed(history) if a.version < current.version and a.my_signature
                     and a.partner_signature), None)
        _echo(f"Agreement with {owner.name}: what you sign, against version {base.version if base else 0}")
        for line in charter.diff(base, current):
            if line.mark in "+-":
                _echo(f"{line.mark} {line.text}")
        confirm(f"Sign your acknowledgement of version {current.version}?", yes)
        signed = bundles.sign_ack_now(journal, current, day)
        _echo(f"Signed your acknowledgement of agreement version {signed.version} ({day.isoformat()}); "
              "it leaves with your next bundle.")
        return
    done = journal.acknowledge(current, me=day if mine else None, partner=day if theirs else None)
    both = "; both have acknowledged it" if done.my_ack and done.partner_ack else ""
    _echo(f"Acknowledged agreement version {done.version} ({'me' if mine else owner.name}, {day.isoformat()}){both}.")


@agreement.command("diff")
@click.option("--pair", "pair_name", required=True, help="The pair's name.")
@click.argument("versions", nargs=-1, type=click.IntRange(1, 10**6))
@pass_journal
def agreement_diff(journal: Journal, pair_name: str, versions: tuple[int, ...]) -> None:
    """What changed between two versions (default: the current one and the one before it)."""
    owner = journal.pair(pair_name)
    history = journal.agreement_history(owner.id)
    if len(versions) > 2:
        raise UsageError("give at most two versions")
    new = _version(journal, owner.id, versions[1] if len(versions) == 2 else (versions[0] if versions else None))
    if len(versions) == 2:
        old: Agreement | None = _version(journal, owner.id, versions[0])
    else:
        old = next((a for a in reversed(history) if a.version < new.version), None)
    lines = charter.diff(old, new)
    _echo(f"Agreement with {owner.name}: version {old.version if old else 0} to {new.version}")
    if not charter.changed(lines):
        click.echo("These two versions say the same thing.")
        return
    for line in lines:
        if line.mark in "+-":
            _echo(f"{line.mark} {line.text}")


# -- progress and agenda ---------------------------------------------------------------------------


def _progress_json(journal: Journal, entry: ObjectiveProgress) -> dict[str, Any]:
    data = record_json(journal, entry)
    data["level"] = progress_level(entry).value
    data["status"] = journal.consent_status(entry).value
    return data


@click.group()
def progress() -> None:
    """Progress on an objective of the current agreement, rated on a stated scale with evidence."""


@progress.command("add")
@click.option("--pair", "pair_name", required=True, help="The pair's name.")
@click.option("--objective", "number", type=click.IntRange(1, 1000), required=True,
              help="The objective's number in the current agreement.")
@click.option("--rating", type=LEVELS, required=True, help="not-started, emerging, progressing or achieved.")
@click.option("--evidence", type=PRIVATE_TEXT, default="", help="What shows it (`-`: from standard input).")
@click.option("--on", "on", type=DATE, default=None, help="The day it rates (default: today).")
@click.option("--share", type=SCOPES, default="private", show_default=True, help="Who may see it.")
@pass_journal
def progress_add(
    journal: Journal, pair_name: str, number: int, rating: str, evidence: str, on: date | None, share: str
) -> None:
    """Rate where an objective stands, with the evidence."""
    owner = journal.pair(pair_name)
    objective = journal.objective_by_number(owner.id, number)
    made = journal.add_progress(owner.id, objective.id, level=rating, evidence=evidence, on=on, scope=share)
    _echo(f"Recorded progress [{made.id[:8]}] on objective {number}: {ProgressLevel(rating).label}")


@progress.command("list")
@click.option("--pair", "pair_name", default=None, help="Only this pair.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@pass_journal
def progress_list(journal: Journal, pair_name: str | None, as_json: bool) -> None:
    """List progress entries, oldest first, with the objective each rates."""
    pair_id = journal.pair(pair_name).id if pair_name else None
    entries = journal.progress(pair_id)
    if as_json:
        emit_json([_progress_json(journal, e) for e in entries])
        return
    if not entries:
        click.echo("No progress recorded yet.")
    for e in entries:
        when = e.on.isoformat() if e.on else "?"
        _echo(f"[{e.id[:8]}] {when}  objective {e.objective_id}  {progress_level(e).label:<12} "
              f"{BADGES[journal.consent_status(e)]:<22} {e.evidence}")


@click.group()
def agenda() -> None:
    """What to raise at the next session; the live session starts with it."""


@agenda.command("add")
@click.option("--pair", "pair_name", required=True, help="The pair's name.")
@click.argument("text", type=PRIVATE_TEXT)
@pass_journal
def agenda_add(journal: Journal, pair_name: str, text: str) -> None:
    """Put TEXT on the next session's agenda (`-`: from standard input)."""
    owner = journal.pair(pair_name)
    journal.add_agenda(owner.id, text)
    _echo(f"On the next agenda with {owner.name}: {len(journal.agenda_for(owner.id))} item(s).")


@agenda.command("list")
@click.option("--pair", "pair_name", required=True, help="The pair's name.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@pass_journal
def agenda_list(journal: Journal, pair_name: str, as_json: bool) -> None:
    """List the next session's agenda."""
    items = journal.agenda_for(journal.pair(pair_name).id)
    if as_json:
        emit_json([codec.to_dict(i) for i in items])
        return
    if not items:
        click.echo("Nothing on the next agenda yet.")
    for n, item in enumerate(items, 1):
        _echo(f"{n}. {item.text}")


@agenda.command("remove")
@click.option("--pair", "pair_name", required=True, help="The pair's name.")
@click.argument("number", type=click.IntRange(1, 10**6))
@pass_journal
def agenda_remove(journal: Journal, pair_name: str, number: int) -> None:
    """Take item NUMBER off the next session's agenda."""
    gone = journal.remove_agenda(journal.pair(pair_name).id, number - 1)
    _echo(f"Removed from the next agenda: {gone.text}")


COMMANDS = [recognition, reflection, prompt, agreement, progress, agenda]

__all__ = ["COMMANDS", "confirm"]
