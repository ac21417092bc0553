"""Sharing commands: consent, the signed coordinator export, verify, the disclosure log, backup import.

Thin click plumbing over pairjournal.sharing: every rule lives there.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import click

from pairjournal.boundedio import VERIFY_LIMIT, read_bounded
from pairjournal.cli.base import DATE, PRIVATE_TEXT, Options, emit_json, get_passphrase, open_journal, pass_journal
from pairjournal.cli.importing import import_foreign, with_import_options
from pairjournal.errors import UsageError
from pairjournal.journal import codec
from pairjournal.journal.outbound import CONSENT_KIND_LABELS, Disclosable
from pairjournal.journal.paths import refuse_journal_stream
from pairjournal.journal.service import Journal
from pairjournal.model import Disclosure, ShareScope
from pairjournal.sharing import consent, disclosures, export, portable, receipts, signing, summary
from pairjournal.sharing.files import FileExists, check_destination, write_private
from pairjournal.termtext import printable

SCOPES = click.Choice([s.value for s in ShareScope])
FORMATS = click.Choice(list(export.FORMATS))
FILE = click.Path(path_type=Path, dir_okay=False)


# Pipes and terminals cannot be synced; anything else that fails to sync did not take the bytes.
_UNSYNCABLE = {errno.EINVAL, errno.EROFS, errno.ENOTSUP, errno.EBADF, errno.ENOTTY}


def stdout_writer(journal_path: Path) -> Callable[[bytes], None]:
    """Writes bytes to standard output completely (flushed, and synced when it is a file), or raises.

    Refused at once when standard output is closed, or is the journal itself (or one of
    its files): `export ... >> journal.pairjournal` must not put plaintext inside it.
    """
    stream = sys.stdout
    if stream is None or stream.closed:
        raise UsageError("standard output is closed: write the export to a file with --out FILE")
    try:
        refuse_journal_stream(stream.fileno(), journal_path)
    except (OSError, ValueError):  # not a real file (a test runner's buffer): nothing of the journal's
        pass

    def write(data: bytes) -> None:
        buffer: Any = getattr(stream, "buffer", stream)
        buffer.write(data)
        buffer.flush()
        try:
            fd = stream.fileno()
        except (OSError, ValueError):  # not a real file (a test runner's buffer)
            return
        try:
            os.fsync(fd)
        except OSError as error:
            if error.errno not in _UNSYNCABLE:
                raise

    return write


@contextlib.contextmanager
def _force_replaces() -> Iterator[None]:
    """A taken --out says how to replace it here; the wizard asks instead (the message is theirs to add)."""
    try:
        yield
    except FileExists as error:
        raise UsageError(f"{error}; choose another --out, or pass --force to replace it") from None


def _write_out(data: bytes, out: Path | None, force: bool, journal_path: Path) -> None:
    if out is None:
        stdout_writer(journal_path)(data)
    else:
        with _force_replaces():
            write_private(out, data, force=force, journal_path=journal_path)


def _journal_path(ctx: click.Context) -> Path:
    opts: Options = ctx.find_object(Options)  # type: ignore[assignment]
    return opts.journal


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
    write = stdout_writer(_journal_path(ctx)) if out is None else None
    if out is not None:
        with _force_replaces():
            check_destination(out, force=force, journal_path=_journal_path(ctx))
    with open_journal(ctx) as journal:
        # A damaged journal is read-only: refuse before a file exists whose log entry could not be written.
        journal.require_writable()
        pair = journal.pair(pair_name)
        prepared = export.prepare(journal, pair, start, end, fmt, pseudonymize=pseudonymize)
        if write is not None:
            entry = export.commit_stream(journal, prepared, write)
        else:
            assert out is not None
            with _force_replaces():
                entry = export.commit(journal, prepared, out, force=force)
    where = "standard output" if out is None else str(out)
    click.echo(
        f"Exported {len(prepared.summary.items)} shared item(s) for {printable(entry.recipient)} "
        f"to {printable(where)}; "
        f"logged as disclosure #{entry.seq}.",
        err=True,
    )
    if prepared.replacements:
        click.echo(
            f"Pseudonyms: {len(prepared.replacements)} name(s) replaced; check them in the export wizard's "
            "preview, or read the file before you send it.",
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
    journal_path = _journal_path(ctx)
    if out is not None:
        with _force_replaces():
            check_destination(out, force=force, journal_path=journal_path)
    else:
        stdout_writer(journal_path)  # refuses a closed (or misdirected) standard output before the journal is read
    with open_journal(ctx) as journal:
        data = portable.dump(portable.export_full(journal))
    click.echo(f"pairjournal: warning: {portable.WARNING}", err=True)
    _write_out(data, out, force, journal_path)
    if out is not None:
        click.echo(f"Wrote a full plaintext backup to {printable(str(out))} (readable only by you).", err=True)


# -- verify and fingerprint -------------------------------------------------------------

@click.command()
@click.argument("file", type=FILE)
@click.option(
    "--expect",
    "expected",
    multiple=True,
    metavar="FINGERPRINT",
    help="A fingerprint as its owner gave it to you (spaces optional; at least 16 hex digits): the author's, and "
    "the partner's whose receipts the export carries. Repeat for each. A valid signature or receipt by any other "
    "key exits 11.",
)
def verify(file: Path, expected: tuple[str, ...]) -> None:
    """Check an export's signature, format, signer and every consent receipt (no journal or passphrase needed)."""
    wanted = [signing.parse_expected(e) for e in expected]
    data = read_bounded(file, VERIFY_LIMIT, "export")
    result = signing.verify_bytes(data, file.name)
    signing.require_expected(result, wanted)
    report = receipts.consent_of(data, result)
    if report is not None and wanted:
        for key in sorted(report.partner_keys):
            if not signing.matches_expected(key, wanted):
                raise signing.UnexpectedSigner(
                    f"the consent receipts or agreement acknowledgement are valid but signed by key {key}, "
                    "which is not one you expected "
                    "(pass the partner's fingerprint with --expect too)"
                )
    version = "" if result.version == signing.EXPORT_VERSION else f" (an older layout, export version {result.version})"
    click.echo(f"Valid signature by {result.fingerprint} on this {result.format_name} export, version {result.version}")
    if wanted:
        click.echo(f"The signer is the key you expected.{version}")
    else:
        click.echo(
            "This proves only that the file is unchanged since that key signed it: check the fingerprint against "
            f"one the author gave you directly (pass it with --expect).{version}"
        )
    if report is None:
        return
    for line in report.lines:
        click.echo(f"  {line.kind} {printable(line.id)}: {line.label}")
    if report.agreement:
        click.echo(f"  {report.agreement}")
    if report.partner_keys and not wanted:
        click.echo("The receipts' key must be checked too: ask the partner for their fingerprint and pass it "
                   "with --expect.")


@click.command()
@pass_journal
def fingerprint(journal: Journal) -> None:
    """Show the fingerprint of the key that signs your exports."""
    click.echo(signing.fingerprint(journal))


# -- disclosure log ----------------------------------------------------------------------


def _disclosure_json(
    journal: Journal, entry: Disclosure, report: disclosures.ChainReport, withdrawn: set[str]
) -> dict[str, Any]:
    data = codec.to_dict(entry)
    pair = journal.find(entry.pair_id)
    data["pair"] = getattr(pair, "name", None)
    data["delivery"] = data.pop("status")
    data["status"] = report.status(entry)
    data["problems"] = report.broken.get(entry.id, [])
    data["withdrawn_after_export"] = sorted(i.id for i in entry.items if i.id in withdrawn)
    data["deleted_since"] = sorted(
        i.id for i in entry.items if i.kind != "objective" and journal.find(i.id) is None
    )
    return data


def _chain_failed(report: disclosures.ChainReport) -> None:
    for line in report.lines():
        click.echo(f"pairjournal: error: disclosure log: {line}", err=True)
    sys.exit(signing.BadSignature.exit_code)


@click.group("disclosures", invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
def disclosures_cmd(ctx: click.Context, as_json: bool) -> None:
    """Show every export you made, newest first, and check the log's hash chain."""
    if ctx.invoked_subcommand is not None:
        return
    with open_journal(ctx) as journal:
        _list_disclosures(journal, as_json)


def _list_disclosures(journal: Journal, as_json: bool) -> None:
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
        deleted = sum(1 for i in entry.items if i.kind != "objective" and journal.find(i.id) is None)
        late_text += f", {deleted} deleted since" if deleted else ""
        outcome = "" if entry.status == "delivered" else f"  FAILED ({printable(entry.failure or 'not written')})"
        click.echo(
            f"#{entry.seq:<3} {entry.when.strftime('%Y-%m-%d %H:%M')}  to {printable(entry.recipient)}  "
            f"pair {printable(getattr(pair, 'name', '?'))}  "
            f"{entry.period_from.isoformat()}..{entry.period_to.isoformat()}  "
            f"{entry.format}  {len(entry.items)} item(s){late_text}  sha256 {entry.file_sha256[:16]}  "
            f"{report.status(entry)}{outcome}"
        )
    if not report.ok:
        _chain_failed(report)


@disclosures_cmd.command("show")
@click.argument("seq", type=click.IntRange(1, 10**9))
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@pass_journal
def disclosures_show(journal: Journal, seq: int, as_json: bool) -> None:
    """Print disclosure SEQ: where it went, and the exact text of every item that left."""
    entry = disclosures.by_seq(journal, seq)
    if entry is None:
        raise UsageError(f"there is no disclosure #{seq} (see `pairjournal disclosures`)")
    report = disclosures.verify_chain(journal)
    texts = disclosures.item_texts(entry)
    if as_json:
        data = _disclosure_json(journal, entry, report, set())
        data["items"] = [{**codec.to_dict(item), "entry": text} for item, text in texts]
        emit_json(data)
        return
    pair = journal.find(entry.pair_id)
    delivered = "delivered" if entry.status == "delivered" else f"FAILED ({entry.failure or 'not written'})"
    click.echo(
        f"Disclosure #{entry.seq}, {entry.when.isoformat()}, to {printable(entry.recipient)}, "
        f"pair {printable(getattr(pair, 'name', '?'))}, "
        f"{entry.period_from.isoformat()}..{entry.period_to.isoformat()}, {entry.format}"
        f"{', pseudonymised' if entry.pseudonymized else ''}: {printable(delivered)}"
    )
    click.echo(f"File: {printable(entry.file_name)}  sha256 {entry.file_sha256}")
    click.echo(f"Chain: {report.status(entry)}")
    if not entry.items:
        click.echo("No items left in this export (counts only).")
    for item, text in texts:
        renamed = item.exported_id and item.exported_id != item.id
        shown = f" (in the file as [{item.exported_id[:8]}])" if renamed else ""
        deleted = item.kind != "objective" and journal.find(item.id) is None
        gone = " (deleted since; this is what left)" if deleted else ""
        click.echo(f"- {item.kind} [{item.id[:8]}]{shown}{gone}")
        if text is None:
            click.echo("    (logged before pairjournal kept the text that left; its SHA-256 is "
                       f"{item.sha256[:16]}…)")
            continue
        for name in sorted(text):
            if name == "id" or text[name] in (None, ""):
                continue
            click.echo(f"    {name}: {printable(str(text[name]))}")


# -- consent -----------------------------------------------------------------------------


def _state(journal: Journal, item: Disclosable) -> str:
    state = consent.status(journal, item)
    short = item.id[:8]
    sha = journal.outbound_digest(item)
    match state:
        case consent.Status.PENDING:
            if item.declined_sha256 and item.declined_sha256 == sha:
                return "pending: your partner declined exactly this in their last bundle"
            return "pending: marked for the coordinator, waiting for your partner's consent"
        case consent.Status.CONSENTED:
            assert item.partner_consent is not None
            c = item.partner_consent
            if c.receipt is not None:
                return (f"shared with the coordinator (consent signed by your partner {c.given_on.isoformat()}: "
                        "their receipt travels with the export)")
            return (f"shared with the coordinator (consent recorded by the author: your partner consented "
                    f"{c.given_on.isoformat()}, {printable(c.how)})")
        case consent.Status.CHANGED:
            steps = []
            if item.my_consent is None or item.my_consent.sha256 != sha:
                steps.append(f"confirm yours with `pairjournal share {short} coordinator`")
            if item.partner_consent is None or item.partner_consent.sha256 != sha:
                steps.append(f"record your partner's with `pairjournal consent give {short} --how ...`")
            return (
                "changed since consent: what would leave is not what was agreed, so it stays out of exports; "
                + " and ".join(steps)
            )
        case consent.Status.WITHDRAWN:
            late = " after it was exported" if any(w.after_export for w in item.withdrawals) else ""
            return f"withdrawn{late}; private now"
    return state.value


@click.group("consent")
def consent_group() -> None:
    """Record your partner's consent to share an item with the coordinator, or withdraw it."""


@consent_group.command("give")
@click.argument("item_id")
@click.option(
    "--how",
    required=True,
    type=PRIVATE_TEXT,
    help="How your partner consented, e.g. 'in person' or 'by email' (- reads it from standard input).",
)
@click.option("--on", "on", type=DATE, default=None, help="When (default: today).")
@pass_journal
def consent_give(journal: Journal, item_id: str, how: str, on: date | None) -> None:
    """Record your partner's consent for ITEM_ID (a takeaway, action item or progress entry)."""
    item = consent.give_consent(journal, item_id, how=how, on=on)
    note = ""
    if item.scope is not ShareScope.COORDINATOR:
        note = f" It is {item.scope.value}: run `pairjournal share {item.id[:8]} coordinator` to share it."
    click.echo(f"[{item.id[:8]}] {_state(journal, item)}.{note}")
    _echo_outbound(journal, item, "Your partner's consent covers exactly this")
    owner = getattr(item, "pair_id", None)
    if owner and journal.partner_link(owner) is not None:
        click.echo("This pair is linked: a consent your partner signs (their answer in a bundle) is the stronger "
                   "form; this one is labelled recorded by the author.")


@consent_group.command("withdraw")
@click.argument("item_id")
@click.option("--on", "on", type=DATE, default=None, help="When (default: today).")
@pass_journal
def consent_withdraw(journal: Journal, item_id: str, on: date | None) -> None:
    """Withdraw coordinator sharing for ITEM_ID; later exports leave it out."""
    item, withdrawal = consent.withdraw(journal, item_id, on=on)
    click.echo(f"[{item.id[:8]}] withdrawn; it is private now and later exports leave it out.")
    if withdrawal.after_export:
        click.echo(
            "Note: an earlier export already carried it; that file cannot be recalled (see `pairjournal disclosures`)."
        )


def _echo_outbound(journal: Journal, item: Disclosable, heading: str) -> None:
    content = journal.outbound(item)
    click.echo(f"{heading} (sha256 {journal.outbound_digest(item)[:16]}…):")
    for name in sorted(content):
        if name != "kind" and content[name] not in (None, ""):
            click.echo(f"    {name}: {printable(str(content[name]))}")


@consent_group.command("show")
@click.argument("item_id")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@pass_journal
def consent_show(journal: Journal, item_id: str, as_json: bool) -> None:
    """Show exactly what ITEM_ID would export, its SHA-256, and whether both consents cover it."""
    item = consent.find_item(journal, item_id)
    if as_json:
        emit_json(
            {
                "id": item.id,
                "kind": consent.kind_of(item),
                "status": consent.status(journal, item).value,
                "outbound": journal.outbound(item),
                "outbound_sha256": journal.outbound_digest(item),
                "my_consent": codec.to_dict(item.my_consent) if item.my_consent else None,
                "consent": codec.to_dict(item.partner_consent) if item.partner_consent else None,
            }
        )
        return
    click.echo(f"[{item.id[:8]}] {consent.KIND_NAMES[consent.kind_of(item)]}: {_state(journal, item)}.")
    _echo_outbound(journal, item, "It would export")


@consent_group.command("list")
@click.option("--pair", "pair_name", default=None, help="Only this pair.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@pass_journal
def consent_list(journal: Journal, pair_name: str | None, as_json: bool) -> None:
    """List items and objectives shared beyond you: partner, coordinator, pending, changed and withdrawn."""
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
                    "label": r.label,
                    "outbound_sha256": r.outbound_sha256,
                    "my_consent": codec.to_dict(r.my_consent) if r.my_consent else None,
                    "consent": codec.to_dict(r.consent) if r.consent else None,
                    "has_wording": bool(r.wording),
                    "withdrawals": [codec.to_dict(w) for w in r.withdrawals],
                    "exported": r.exported,
                    "consent_kind": r.consent_kind.value if r.consent_kind else None,
                    "declined": r.declined,
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
        if r.status is consent.Status.CONSENTED and r.consent_kind is not None:
            flags.append(CONSENT_KIND_LABELS[r.consent_kind])
        if r.declined:
            flags.append("declined by your partner")
        extra = f"  ({', '.join(flags)})" if flags else ""
        click.echo(f"[{r.id[:8]}] {r.kind:<9} {r.label:<27} {printable(r.title)}{extra}")


@click.command()
@click.argument("item_id")
@click.argument("scope", type=SCOPES)
@click.option(
    "--wording",
    default=None,
    type=PRIVATE_TEXT,
    help="A coordinator-facing wording, exported instead of your own text (- reads it from standard input).",
)
@pass_journal
def share(journal: Journal, item_id: str, scope: str, wording: str | None) -> None:
    """Set who may see ITEM_ID: private, partner or coordinator (your side of consent).

    Sharing with the coordinator records your consent for the item exactly as it
    is now (with --wording, for that wording); any later change needs it again.
    """
    item = consent.share(journal, item_id, scope, wording=wording)
    click.echo(f"[{item.id[:8]}] {_state(journal, item)}.")


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
