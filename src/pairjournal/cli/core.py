"""Everyday commands: create a journal, add pairs, sessions, takeaways, actions, reflections."""

from __future__ import annotations

import importlib
from datetime import date
from pathlib import Path
from typing import Any

import click

from pairjournal.cli.base import (
    DATE,
    NEW_PASSPHRASE_ENV,
    PRIVATE_TEXT,
    Options,
    emit_json,
    get_passphrase,
    open_journal,
    pass_journal,
    prompt_secret,
)
from pairjournal.errors import UsageError
from pairjournal.journal import codec
from pairjournal.journal.service import Journal, title_of
from pairjournal.model import Cadence, Consent, Entity, Owner, PairStatus, Role, ShareScope
from pairjournal.passfile import read_passphrase_file as read_secret_file
from pairjournal.termtext import printable

ROLES = click.Choice([r.value for r in Role])
CADENCES = click.Choice([c.value for c in Cadence])
OWNERS = click.Choice([o.value for o in Owner])
SCOPES = click.Choice([s.value for s in ShareScope])


@click.command()
@click.pass_context
def init(ctx: click.Context) -> None:
    """Create a new, empty journal protected by a passphrase."""
    opts = ctx.find_object(Options)
    assert opts is not None
    if opts.journal.exists():
        raise UsageError(f"a journal already exists at {opts.journal}; refusing to overwrite it")
    passphrase = get_passphrase(opts, confirm=True, prompt="New passphrase")
    Journal.create(opts.journal, passphrase).close()  # the vault below holds the passphrase policy
    click.echo(printable(f"Created a journal at {opts.journal}"))
    click.echo("Keep your passphrase safe: if it is forgotten, nobody can recover the journal.")


class GrownGroup(click.Group):
    """A group of everyday commands that cli/lifecycle.py adds to (edit, delete, show...).

    Running `pairjournal takeaway add` imports only this module; any other subcommand,
    and the group's help, first imports lifecycle, whose decorators add its own."""

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        found = super().get_command(ctx, cmd_name)
        if found is None:
            importlib.import_module("pairjournal.cli.lifecycle")
            found = super().get_command(ctx, cmd_name)
        return found

    def list_commands(self, ctx: click.Context) -> list[str]:
        importlib.import_module("pairjournal.cli.lifecycle")
        return super().list_commands(ctx)


@click.group(cls=GrownGroup)
def pair() -> None:
    """Add and list mentoring pairs."""


@pair.command("add")
@click.argument("name", type=PRIVATE_TEXT)
@click.option("--role", type=ROLES, required=True, help="Your role in this pair.")
@click.option("--cadence", type=CADENCES, default="biweekly", show_default=True, help="How often you meet.")
@click.option("--minutes", type=click.IntRange(1, 600), default=30, show_default=True, help="Planned session length.")
@click.option("--program", type=PRIVATE_TEXT, default="", help="Program or cohort name (`-`: from standard input).")
@click.option(
    "--coordinator", type=PRIVATE_TEXT, default="", help="The program coordinator (`-`: from standard input)."
)
@click.option("--start", type=DATE, default=None, help="First session date (default: today).")
@pass_journal
def pair_add(
    journal: Journal,
    name: str,
    role: str,
    cadence: str,
    minutes: int,
    program: str,
    coordinator: str,
    start: date | None,
) -> None:
    """Add a pair: NAME is your partner's name (`-` reads it from standard input)."""
    p = journal.add_pair(
        name, role, cadence=cadence, minutes=minutes, program=program, coordinator=coordinator, start=start
    )
    click.echo(printable(f"Added pair {p.name} ({p.role.value}, {p.cadence.value}, {p.minutes} min) [{p.id[:8]}]"))


@pair.command("list")
@click.option("--all", "everything", is_flag=True, help="Ended (archived) pairs too.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@pass_journal
def pair_list(journal: Journal, everything: bool, as_json: bool) -> None:
    """List your pairs (those that have ended, too, with --all)."""
    _print_list(journal, "pairs", None, as_json, include_ended=everything)


@click.group(cls=GrownGroup)
def session() -> None:
    """Record sessions."""


@session.command("add")
@click.option("--pair", "pair_name", required=True, help="The pair's name.")
@click.option("--date", "on", type=DATE, default=None, help="When it happened (default: today).")
@click.option("--minutes", type=click.IntRange(1, 600), default=None, help="How long it actually ran.")
@click.option(
    "--notes", type=PRIVATE_TEXT, default="", help="Session notes (Markdown); `-` reads them from standard input."
)
@pass_journal
def session_add(journal: Journal, pair_name: str, on: date | None, minutes: int | None, notes: str) -> None:
    """Record a session that took place."""
    s = journal.add_session(journal.pair(pair_name).id, on=on, minutes=minutes, notes=notes)
    click.echo(f"Recorded session {s.date.isoformat()} [{s.id[:8]}]")


@click.group(cls=GrownGroup)
def takeaway() -> None:
    """Capture takeaways, each with its share scope."""


@takeaway.command("add")
@click.argument("text", type=PRIVATE_TEXT)
@click.option("--pair", "pair_name", required=True, help="The pair's name.")
@click.option("--session", "session_id", default=None, help="The session it came from (id or prefix).")
@click.option("--share", type=SCOPES, default="private", show_default=True, help="Who may see it.")
@click.option("--partner-consent", is_flag=True, help="Your partner agreed to share it with the coordinator today.")
@pass_journal
def takeaway_add(
    journal: Journal, text: str, pair_name: str, session_id: str | None, share: str, partner_consent: bool
) -> None:
    """Capture a takeaway (TEXT, or `-` to read it from standard input). Private unless you say otherwise."""
    consent = Consent(given_on=date.today(), how="recorded from the command line") if partner_consent else None
    t = journal.add_takeaway(
        journal.pair(pair_name).id, text, session_id=session_id, scope=share, partner_consent=consent
    )
    note = ""
    if journal.consent_status(t).value == "pending":
        note = " (pending: waiting for your partner's consent)"
    click.echo(f"Captured takeaway [{t.id[:8]}], shared: {t.scope.value}{note}")


@click.group(cls=GrownGroup)
def action() -> None:
    """Add action items and mark them done."""


@action.command("add")
@click.argument("text", type=PRIVATE_TEXT)
@click.option("--pair", "pair_name", required=True, help="The pair's name.")
@click.option("--owner", type=OWNERS, default="me", show_default=True, help="Who will do it.")
@click.option("--due", type=DATE, default=None, help="Due date.")
@pass_journal
def action_add(journal: Journal, text: str, pair_name: str, owner: str, due: date | None) -> None:
    """Add an action item (TEXT, or `-` to read it from standard input)."""
    a = journal.add_action(journal.pair(pair_name).id, text, owner=owner, due=due)
    due_text = f", due {a.due.isoformat()}" if a.due else ""
    click.echo(f"Added action [{a.id[:8]}] for {a.owner.value}{due_text}")


@action.command("done")
@click.argument("action_id")
@click.option("--evidence", type=PRIVATE_TEXT, default="", help="What shows it is done (`-`: from standard input).")
@pass_journal
def action_done(journal: Journal, action_id: str, evidence: str) -> None:
    """Mark an action item done (ID or a unique prefix of it)."""
    a = journal.complete_action(action_id, evidence=evidence)
    click.echo(printable(f"Done: {title_of(a)} [{a.id[:8]}]"))


@click.command()
@click.argument("text", type=PRIVATE_TEXT)
@click.option("--prompt", "prompt_id", default=None, help="The prompt this answers (see `list prompts`).")
@click.option("--pair", "pair_name", default=None, help="The pair it is about.")
@pass_journal(deferred=True)
def reflect(journal: Journal, text: str, prompt_id: str | None, pair_name: str | None) -> None:
    """Write a private reflection (TEXT, or `-` to read it from standard input)."""
    pair_id = journal.pair(pair_name).id if pair_name else None
    r = journal.add_reflection(text, prompt_id=prompt_id, pair_id=pair_id)
    click.echo(f"Saved reflection [{r.id[:8]}] (private)")


LIST_KINDS = ["pairs", "sessions", "takeaways", "actions", "reflections", "prompts", "objectives", "recognitions"]


@click.command("list")
@click.argument("kind", type=click.Choice(LIST_KINDS))
@click.option("--pair", "pair_name", default=None, help="Only this pair.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output (see README: JSON output).")
@pass_journal
def list_cmd(journal: Journal, kind: str, pair_name: str | None, as_json: bool) -> None:
    """List pairs, sessions, takeaways, actions, reflections, prompts, or the objectives of each current agreement."""
    _print_list(journal, kind, pair_name, as_json)


def _entities(journal: Journal, kind: str, pair_id: str | None) -> list[Any]:
    match kind:
        case "pairs":
            return [p for p in journal.pairs() if pair_id is None or p.id == pair_id]
        case "sessions":
            return journal.sessions(pair_id)
        case "takeaways":
            return journal.takeaways(pair_id)
        case "actions":
            return journal.actions(pair_id)
        case "reflections":
            return journal.reflections(pair_id)
        case "recognitions":
            return journal.recognitions(pair_id)
        case _:
            return journal.prompts()


def record_json(journal: Journal, entity: Entity) -> dict[str, Any]:
    """The stable JSON form of a record: its fields, its kind, and its pair's name."""
    data = codec.to_dict(entity)
    data["kind"] = entity.KIND
    pair_id = data.get("pair_id")
    if pair_id:
        found = journal.find(pair_id)
        data["pair"] = getattr(found, "name", None)
    return data


def _line(journal: Journal, entity: Any, kind: str) -> str:
    short = entity.id[:8]
    match kind:
        case "pairs":
            next_due = journal.next_session_due(entity.id)
            when = f"next due {next_due.isoformat()}" if next_due else entity.status.value
            rhythm, minutes = journal.cadence_of(entity.id), journal.minutes_of(entity.id)
            return (
                f"{entity.name:<20} {entity.role.value:<7} {rhythm.value:<9} {minutes:>3} min  "
                f"{when}  [{short}]"
            )
        case "sessions":
            mins = f"{entity.actual_minutes} min" if entity.actual_minutes else "-"
            state = " (live)" if entity.live else ""
            return f"{entity.date.isoformat()}  {_pair_name(journal, entity.pair_id):<16} {mins:>7}{state}  [{short}]"
        case "takeaways":
            state = journal.consent_status(entity).value
            flag = state if state in ("pending", "changed") else entity.scope.value
            return f"[{short}] {flag:<11} {_pair_name(journal, entity.pair_id):<16} {title_of(entity)}"
        case "actions":
            due = entity.due.isoformat() if entity.due else "no due date"
            return f"[{short}] {entity.status.value:<7} {due:<11} {entity.owner.value:<7} {title_of(entity)}"
        case "reflections":
            return f"[{short}] {entity.created.date().isoformat()}  {title_of(entity)}"
        case "recognitions":
            state = journal.consent_status(entity).value
            return f"[{short}] {entity.created.date().isoformat()}  {state:<10} {title_of(entity)}"
        case _:
            return f"{entity.id:<12} {entity.category.value:<18} {entity.text}"


def _pair_name(journal: Journal, pair_id: str) -> str:
    found = journal.find(pair_id)
    return getattr(found, "name", "?")


def _print_objectives(journal: Journal, pair_id: str | None, as_json: bool) -> None:
    from pairjournal.sharing import consent

    rows = consent.current_objectives(journal, pair_id)
    if as_json:
        emit_json(
            [
                {
                    **codec.to_dict(objective),
                    "kind": "objective",
                    "number": number,
                    "pair_id": agreement.pair_id,
                    "pair": _pair_name(journal, agreement.pair_id),
                    "agreement_version": agreement.version,
                    "status": journal.consent_status(objective).value,
                }
                for agreement, number, objective in rows
            ]
        )
        return
    if not rows:
        click.echo("No objectives yet.")
        return
    for agreement, number, objective in rows:
        badge = consent.label(journal.consent_status(objective))
        click.echo(
            f"[{objective.id}] {printable(_pair_name(journal, agreement.pair_id)):<16} v{agreement.version} #{number}  "
            f"{badge:<27} {printable(objective.outcome)}"
        )


def _print_list(
    journal: Journal, kind: str, pair_name: str | None, as_json: bool, *, include_ended: bool = True
) -> None:
    pair_id = journal.pair(pair_name).id if pair_name else None
    if kind == "objectives":
        _print_objectives(journal, pair_id, as_json)
        return
    items = _entities(journal, kind, pair_id)
    archived = 0
    if not include_ended:
        kept = [e for e in items if getattr(e, "status", None) is not PairStatus.ENDED]
        archived, items = len(items) - len(kept), kept
    if as_json:
        emit_json([record_json(journal, e) for e in items])
        return
    if not items and not archived:
        click.echo(f"No {kind} yet.")
        return
    for entity in items:
        click.echo(printable(_line(journal, entity, kind)))
    if archived:
        click.echo(f"({archived} ended pair(s) archived: `pairjournal pair list --all` shows them.)")


@click.command()
@click.argument("query", type=PRIVATE_TEXT)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@pass_journal
def search(journal: Journal, query: str, as_json: bool) -> None:
    """Search everything you have written (all words must match; `-` reads the query from standard input)."""
    hits = journal.search(query)
    if as_json:
        emit_json(
            [
                {
                    "kind": h.kind,
                    "id": h.id,
                    "title": h.title,
                    "snippet": h.snippet,
                    "date": h.when.isoformat() if h.when else None,
                    "pair_id": h.pair_id,
                }
                for h in hits
            ]
        )
        return
    if not hits:
        click.echo("No matches.")
        return
    for h in hits:
        when = h.when.isoformat() if h.when else "          "
        click.echo(printable(f"{h.kind:<10} {when}  [{h.id[:8]}] {h.snippet}"))


@click.command()
@click.option(
    "--accept-damage",
    is_flag=True,
    help="After reading the report: keep a copy of the journal as it is, drop what cannot be read, "
    "and seal the manifest again over what remains, so the journal is writable again.",
)
@click.option("--yes", is_flag=True, help="With --accept-damage: do not ask for confirmation (for scripts).")
@pass_journal(warn_damaged=False)
def check(journal: Journal, accept_damage: bool, yes: bool) -> None:
    """Open and authenticate every record; exit 0 only when all are sound."""
    report = journal.check()
    for bad in report.bad:
        click.echo(printable(f"BAD record {bad.id}: {bad.reason}"), err=True)
    for problem in report.problems:
        click.echo(printable(f"BAD journal: {problem}"), err=True)
    if report.ok:
        click.echo(f"OK: {report.records} records authenticated, manifest matches.")
        if accept_damage:
            click.echo("Nothing to accept: the journal is sound.")
        return
    if not accept_damage:
        raise SystemExit(6)
    removed = len(report.bad)
    click.echo(
        "Accepting the damage keeps a copy of the journal exactly as it is now, then removes "
        f"the {removed} record(s) that cannot be read and anything pairjournal did not make, and seals "
        "the manifest again over the rest. A backup from before the damage (`pairjournal backups`, "
        "`pairjournal restore`) may still hold what is lost.",
        err=True,
    )
    if not yes:
        click.confirm("Accept the damage reported above?", default=False, abort=True, err=True)
    keep = _keep_name(journal.path)
    journal.accept_damage(keep)
    click.echo(
        printable(
            f"Accepted: {removed} unreadable record(s) removed, the manifest sealed again over "
            f"{report.records - removed} records. The journal as it was is kept at {keep}"
        )
    )


def _keep_name(path: Path) -> Path:
    from datetime import datetime

    base = f"{path.name}.damaged-{datetime.now():%Y%m%d-%H%M%S}"
    candidate, n = path.with_name(base), 1
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{base}-{n}")
    return candidate


@click.command()
@click.option("--new-passphrase-file", type=click.Path(path_type=Path, dir_okay=False), default=None)
@pass_journal
def passwd(journal: Journal, new_passphrase_file: Path | None) -> None:
    """Change the passphrase (re-wraps the key; your records are untouched)."""
    import os

    journal.require_writable()  # a damaged journal refuses before asking for anything
    if new_passphrase_file is not None:
        new = read_secret_file(new_passphrase_file)
    elif os.environ.get(NEW_PASSPHRASE_ENV):
        new = os.environ[NEW_PASSPHRASE_ENV]
    else:
        new = prompt_secret("New passphrase", confirm=True)
    if not new:
        raise UsageError("the new passphrase must not be empty")
    journal.change_passphrase(new)
    click.echo("Passphrase changed. The old one no longer opens this journal.")


@click.command()
@click.argument("dest", type=click.Path(path_type=Path, dir_okay=False))
@pass_journal
def backup(journal: Journal, dest: Path) -> None:
    """Write a consistent encrypted copy to DEST (opens with the same passphrase)."""
    journal.backup(dest)
    click.echo(printable(f"Backed up to {dest}"))


COMMANDS = [init, pair, session, takeaway, action, reflect, list_cmd, search, check, passwd, backup]

__all__ = ["COMMANDS", "open_journal", "record_json"]
