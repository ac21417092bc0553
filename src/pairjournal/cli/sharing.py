"""Sharing commands: consent, the signed coordinator export, verify, the disclosure log, backup import.

Thin click plumbing over pairjournal.sharing: every rule lives there.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Any

import click

from pairjournal.cli.base import DATE, Options, emit_json, get_passphrase, open_journal, pass_journal
from pairjournal.cli.importing import import_foreign, with_import_options
from pairjournal.errors import UsageError
from pairjournal.journal import codec
from pairjournal.journal.service import Journal
from pairjournal.model import Disclosure, ShareScope
from pairjournal.sharing import consent, disclosures, export, portable, signing, summary
from pairjournal.sharing.files import check_destination, write_private

SCOPES = click.Choice([s.value for s in ShareScope])
FORMATS = click.Choice(list(export.FORMATS))
FILE = click.Path(path_type=Path, dir_okay=False)


def _write_out(data: bytes, out: Path | None, force: bool) -> None:
    if out is None:
        click.echo(data, nl=False)
    else:
        write_private(out, data, force=force)


# -- export ---------------------------------------------------------------------------


@click.command("export")
@click.option("--pair", "pair_name", default=None, help="The pair to summarise (name, prefix or id).")
@click.option("--from", "start", type=DATE, default=None, help="First day of the period (default: 12 months ago).")
@click.option("--to", "end", type=DATE, default=None, help="Last day of the period, inclusive (default: today).")
@click.option("--format", "fmt", type=FORMATS, required=True, help="md, json or html.")
@click.option("--out", type=FILE, default=None, help="Write to this file (mode 0600) instead of standard output.")
@click.option("--pseudonymize", is_flag=True, help="Replace your partner's and coordinator's names with pseudonyms.")
@click.option("--force", is_flag=True, help="Replace --out if it already exists.")
@click.option("--all", "everything", is_flag=True, help="Full private backup of the whole journal (needs --plaintext).")
@click.option("--plaintext", is_flag=True, help="Confirm that --all may write every private entry unencrypted.")
@click.pass_context
def export_cmd(
    ctx: click.Context,
    pair_name: str | None,
    start: date | None,
    end: date | None,
    fmt: str,
    out: Path | None,
    pseudonymize: bool,
    force: bool,
    everything: bool,
    plaintext: bool,
) -> None:
    """Export a signed summary for your coordinator: only consented items and counts.

    Every export is signed and recorded in the disclosure log. With --all
    --plaintext it writes instead a full, unencrypted backup of the journal.
    """
    if everything:
        _export_all(ctx, fmt, out, force, plaintext, pair_name, start, end, pseudonymize)
        return
    if plaintext:
        raise UsageError("--plaintext only goes with --all")
    if not pair_name:
        raise UsageError("name the pair to export with --pair NAME")
    start, end = summary.default_period(start, end)
    if out is not None:
        check_destination(out, force=force)
    with open_journal(ctx) as journal:
        pair = journal.pair(pair_name)
        prepared = export.prepare(journal, pair, start, end, fmt, pseudonymize=pseudonymize)
        if out is None:
            entry = export.log(journal, prepared, export.STDOUT)
            click.echo(prepared.data, nl=False)
        else:
            entry = export.commit(journal, prepared, out, force=force)
    where = "standard output" if out is None else str(out)
    click.echo(
        f"Exported {len(prepared.summary.items)} shared item(s) for {entry.recipient} to {where}; "
        f"logged as disclosure #{entry.seq}.",
        err=True,
    )


def _export_all(
    ctx: click.Context,
    fmt: str,
    out: Path | None,
    force: bool,
    plaintext: bool,
    pair_name: str | None,
    start: date | None,
    end: date | None,
    pseudonymize: bool,
) -> None:
    if not plaintext:
        raise UsageError("--all writes every private entry unencrypted; add --plaintext to confirm you mean it")
    if fmt != "json":
        raise UsageError("the full backup is JSON only: use --format json")
    if pair_name or start or end or pseudonymize:
        raise UsageError("--all exports the whole journal; it takes no --pair, --from, --to or --pseudonymize")
    if out is not None:
        check_destination(out, force=force)
    with open_journal(ctx) as journal:
        data = portable.dump(portable.export_full(journal))
    click.echo(f"pairjournal: warning: {portable.WARNING}", err=True)
    _write_out(data, out, force)
    if out is not None:
        click.echo(f"Wrote a full plaintext backup to {out} (readable only by you).", err=True)


# -- verify and fingerprint -------------------------------------------------------------


@click.command()
@click.argument("file", type=FILE)
def verify(file: Path) -> None:
    """Check an export's signature (no journal or passphrase needed)."""
    try:
        data = file.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"no file at {file}") from None
    result = signing.verify_bytes(data)
    click.echo(f"Valid signature by {result.fingerprint}")
    click.echo("Compare this fingerprint with the one the author gives you (pairjournal shows it in Settings).")


@click.command()
@pass_journal
def fingerprint(journal: Journal) -> None:
    """Show the fingerprint of the key that signs your exports."""
    click.echo(signing.fingerprint(journal))


# -- disclosure log ----------------------------------------------------------------------


def _disclosure_json(journal: Journal, entry: Disclosure, report: disclosures.ChainReport, withdrawn: set[str]) -> dict[str, Any]:
    data = codec.to_dict(entry)
    pair = journal.find(entry.pair_id)
    data["pair"] = getattr(pair, "name", None)
    data["status"] = report.status(entry)
    data["problems"] = report.broken.get(entry.id, [])
    data["withdrawn_after_export"] = sorted(i.id for i in entry.items if i.id in withdrawn)
    return data


@click.command("disclosures")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@pass_journal
def disclosures_cmd(journal: Journal, as_json: bool) -> None:
    """Show every export you made, newest first, and check the log's hash chain."""
    report = disclosures.verify_chain(journal)
    log = disclosures.entries(journal)
    withdrawn = {s.id for s in consent.overview(journal) if s.withdrawn_after_export}
    if as_json:
        emit_json(
            {
                "chain_ok": report.ok,
                "problems": report.problems,
                "entries": [_disclosure_json(journal, e, report, withdrawn) for e in log],
            }
        )
    elif not log:
        click.echo("No exports yet.")
    for entry in [] if as_json else log:
        pair = journal.find(entry.pair_id)
        late = sum(i.id in withdrawn for i in entry.items)
        late_text = f", {late} withdrawn since" if late else ""
        click.echo(
            f"#{entry.seq:<3} {entry.when.strftime('%Y-%m-%d %H:%M')}  to {entry.recipient}  "
            f"pair {getattr(pair, 'name', '?')}  {entry.period_from.isoformat()}..{entry.period_to.isoformat()}  "
            f"{entry.format}  {len(entry.items)} item(s){late_text}  sha256 {entry.file_sha256[:16]}  "
            f"{report.status(entry)}"
        )
    if not report.ok:
        for line in report.lines():
            click.echo(f"pairjournal: error: disclosure log: {line}", err=True)
        sys.exit(signing.BadSignature.exit_code)


# -- consent -----------------------------------------------------------------------------


def _state(item: consent.Item) -> str:
    state = consent.status(item)
    match state:
        case consent.Status.PENDING:
            return "pending: marked for the coordinator, waiting for your partner's consent"
        case consent.Status.CONSENTED:
            assert item.partner_consent is not None
            c = item.partner_consent
            return f"shared with the coordinator (partner consented {c.given_on.isoformat()}, {c.how})"
        case consent.Status.WITHDRAWN:
            late = " after it was exported" if any(w.after_export for w in item.withdrawals) else ""
            return f"withdrawn{late}; private now"
    return state.value


@click.group("consent")
def consent_group() -> None:
    """Record your partner's consent to share an item with the coordinator, or withdraw it."""


@consent_group.command("give")
@click.argument("item_id")
@click.option("--how", required=True, help="How your partner consented, e.g. 'in person' or 'by email'.")
@click.option("--on", "on", type=DATE, default=None, help="When (default: today).")
@pass_journal
def consent_give(journal: Journal, item_id: str, how: str, on: date | None) -> None:
    """Record your partner's consent for ITEM_ID (a takeaway, action item or progress entry)."""
    item = consent.give_consent(journal, item_id, how=how, on=on)
    note = ""
    if item.scope is not ShareScope.COORDINATOR:
        note = f" It is {item.scope.value}: run `pairjournal share {item.id[:8]} coordinator` to share it."
    click.echo(f"[{item.id[:8]}] {_state(item)}.{note}")


@consent_group.command("withdraw")
@click.argument("item_id")
@click.option("--on", "on", type=DATE, default=None, help="When (default: today).")
@pass_journal
def consent_withdraw(journal: Journal, item_id: str, on: date | None) -> None:
    """Withdraw coordinator sharing for ITEM_ID; later exports leave it out."""
    item, withdrawal = consent.withdraw(journal, item_id, on=on)
    click.echo(f"[{item.id[:8]}] withdrawn; it is private now and later exports leave it out.")
    if withdrawal.after_export:
        click.echo("Note: an earlier export already carried it; that file cannot be recalled (see `pairjournal disclosures`).")


@consent_group.command("list")
@click.option("--pair", "pair_name", default=None, help="Only this pair.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@pass_journal
def consent_list(journal: Journal, pair_name: str | None, as_json: bool) -> None:
    """List items shared beyond you: partner, coordinator, pending and withdrawn."""
    pair_id = journal.pair(pair_name).id if pair_name else None
    rows = consent.overview(journal, pair_id)
    if as_json:
        emit_json(
            [
                {
                    "kind": r.kind,
                    "id": r.id,
                    "pair_id": r.pair_id,
                    "status": r.status.value,
                    "consent": codec.to_dict(r.consent) if r.consent else None,
                    "has_wording": bool(r.wording),
                    "withdrawals": [codec.to_dict(w) for w in r.withdrawals],
                    "exported": r.exported,
                }
                for r in rows
            ]
        )
        return
    if not rows:
        click.echo("Nothing is shared: every item is private.")
        return
    for r in rows:
        flags = []
        if r.wording:
            flags.append("coordinator wording")
        if r.exported:
            flags.append("exported")
        if r.withdrawn_after_export:
            flags.append("withdrawn after export")
        extra = f"  ({', '.join(flags)})" if flags else ""
        click.echo(f"[{r.id[:8]}] {r.kind:<8} {r.status.value:<9} {r.title}{extra}")


@click.command()
@click.argument("item_id")
@click.argument("scope", type=SCOPES)
@click.option("--wording", default=None, help="A coordinator-facing wording, exported instead of your own text.")
@pass_journal
def share(journal: Journal, item_id: str, scope: str, wording: str | None) -> None:
    """Set who may see ITEM_ID: private, partner or coordinator (your side of consent)."""
    item = consent.set_scope(journal, item_id, scope)
    if wording is not None:
        item = consent.set_wording(journal, item.id, wording)
    click.echo(f"[{item.id[:8]}] {_state(item)}.")


# -- import --------------------------------------------------------------------------------


@click.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@with_import_options
@click.pass_context
def import_cmd(
    ctx: click.Context,
    file: Path,
    source: str | None = None,
    pair_name: str | None = None,
    dry_run: bool = False,
    time_format: str | None = None,
) -> None:
    """Import a full backup made by `export --all` into this journal (created if missing).

    Nothing already in the journal is overwritten; importing the same file twice adds nothing.
    With --from, FILE is instead another journal's notes (jrnl, Day One, a Markdown folder),
    imported as private reflections.
    """
    if source is not None:
        with open_journal(ctx) as journal:
            import_foreign(journal, file, source, pair_name, dry_run, time_format)
        return
    if pair_name is not None or dry_run or time_format is not None:
        raise UsageError("--pair, --dry-run and --time-format go with --from jrnl|jrnl-json|dayone|markdown")
    data = portable.load_file(file)
    portable.validate(data)
    opts: Options = ctx.find_object(Options)  # type: ignore[assignment]
    if opts.journal.exists():
        with open_journal(ctx) as journal:
            report = portable.import_full(journal, data)
    else:
        with Journal.create(opts.journal, get_passphrase(opts, confirm=True, prompt="New passphrase")) as journal:
            click.echo(f"Created a journal at {opts.journal}", err=True)
            report = portable.import_full(journal, data)
    click.echo(report.line())


COMMANDS = [export_cmd, verify, fingerprint, disclosures_cmd, consent_group, share, import_cmd]

__all__ = ["COMMANDS"]
