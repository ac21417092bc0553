"""The partner exchange: cards, linking, bundles both ways, and answering the partner's consent requests.

Thin click plumbing over pairjournal.sharing (cards.py, bundles.py, requests.py)
and the Journal's exchange verbs (journal/exchange.py). docs/EXCHANGE.md has the
formats and the flow.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Any

import click

from pairjournal.cli.base import DATE, PRIVATE_TEXT, emit_json, pass_journal
from pairjournal.cli.sharing import consent_group
from pairjournal.errors import UsageError
from pairjournal.journal import codec
from pairjournal.journal.service import Journal
from pairjournal.model import ConsentRequest, Decision, PartnerItem
from pairjournal.sharing import bundles, cards, identity, requests
from pairjournal.sharing.files import write_private
from pairjournal.termtext import printable

FILE = click.Path(path_type=Path, dir_okay=False)


def _echo(text: str) -> None:
    click.echo(printable(text))


# -- my card ----------------------------------------------------------------------------------


@click.command("card")
@click.option("--name", type=PRIVATE_TEXT, default=None,
              help="The name your partner knows you by, shown on the card (remembered; - reads it from stdin).")
@click.option("--out", type=FILE, default=None, help="Write the card to this file (mode 0600).")
@click.option("--force", is_flag=True, help="Replace --out if it already exists.")
@pass_journal
def card(journal: Journal, name: str | None, out: Path | None, force: bool) -> None:
    """Write your card for your partner: your name, both public keys and the fingerprint to read aloud."""
    if name is not None:
        identity.set_name(journal, name)
    data = cards.make_card(journal)
    mine = identity.mine(journal)
    if out is None:
        click.echo(data.decode("utf-8"), nl=False)
        stream = sys.stderr
    else:
        write_private(out, data, force=force, journal_path=journal.path)
        stream = sys.stdout
    click.echo(f"Card of {printable(mine.name)}: signing key and age recipient {mine.age_recipient}", file=stream)
    click.echo(f"Fingerprint (read it aloud to your partner): {mine.fingerprint}", file=stream)
    if out is not None:
        click.echo(f"Wrote your card to {printable(str(out))}; give it to your partner by any channel.")


# -- the link -----------------------------------------------------------------------------------


@click.group("partner")
def partner() -> None:
    """Link a pair to your partner's journal by their card, and see what they shared."""


@partner.command("link")
@click.option("--pair", "pair_name", required=True, help="The pair whose partner made the card.")
@click.argument("card_file", metavar="CARD", type=FILE)
@click.option("--verified", is_flag=True,
              help="You compared the fingerprint with your partner directly (for scripts: nothing is asked).")
@click.option("--relink", is_flag=True, help="Replace a linked partner's keys with this card's (asked otherwise).")
@pass_journal
def partner_link(journal: Journal, pair_name: str, card_file: Path, verified: bool, relink: bool) -> None:
    """Pin the keys on your partner's CARD in the pair, after comparing its fingerprint with them."""
    pair = journal.pair(pair_name)
    keys = cards.read_card(card_file)
    if keys.signing_key == identity.mine(journal).signing_key_b64:
        raise UsageError("this is your own card: link the card your partner gave you")
    _echo(f"Card of {keys.name}: fingerprint {keys.fingerprint}")
    if not verified:
        if not sys.stdin or not sys.stdin.isatty():
            raise UsageError("compare the fingerprint with your partner directly, then pass --verified; "
                             "nothing was linked")
        if not click.confirm(f"Did you compare this fingerprint with {printable(keys.name)} directly "
                             "(in person or on a call)?", default=False, err=True):
            raise UsageError("compare the fingerprint with your partner first; nothing was linked")
        verified = True
    link = journal.partner_link(pair.id)
    changed = link is not None and link.partner.fingerprint != keys.fingerprint
    if changed and not relink:
        assert link is not None
        if not sys.stdin or not sys.stdin.isatty():
            raise UsageError(
                f"the pair is linked to the key {link.partner.fingerprint}; this card has another. If your partner "
                "confirms they made a new one, pass --relink; nothing was changed"
            )
        relink = click.confirm(f"{printable(pair.name)}'s key changed from {link.partner.fingerprint} to "
                               f"{keys.fingerprint}. Relink to the new key?", default=False, err=True)
        if not relink:
            raise UsageError("the partner's key was left as it was")
    journal.link_partner(pair.id, keys, verified=verified, relink=relink)
    what = "Relinked" if changed else "Linked"
    _echo(f"{what} the pair with {pair.name} to {keys.name}'s journal ({keys.fingerprint}). "
          "Write your first bundle with `pairjournal exchange out --pair NAME`.")


def _link_json(journal: Journal, pair_id: str) -> dict[str, Any] | None:
    link = journal.partner_link(pair_id)
    return codec.to_dict(link) if link is not None else None


@partner.command("show")
@click.option("--pair", "pair_name", required=True, help="The pair's name.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@pass_journal
def partner_show(journal: Journal, pair_name: str, as_json: bool) -> None:
    """Show the partner's pinned keys, how they were checked, and the bundles written and read."""
    pair = journal.pair(pair_name)
    link = journal.partner_link(pair.id)
    if as_json:
        data = _link_json(journal, pair.id)
        if data is not None:
            data.pop("sent", None)
        emit_json(data)
        return
    if link is None:
        _echo(f"The pair with {pair.name} is not linked: consent is recorded by you alone "
              "(`pairjournal partner link --pair NAME CARD` to link it).")
        return
    checked = "compared directly" if link.verified else "NOT compared directly"
    _echo(f"Linked to {link.partner.name}: fingerprint {link.partner.fingerprint} ({checked})")
    _echo(f"  age recipient {link.partner.age_recipient}")
    _echo(f"  bundles: you wrote {link.out_seq} (they confirmed {link.confirmed_seq}); you read {link.in_seq}")
    for change in link.relinks:
        _echo(f"  relinked {change.on.isoformat()}: {change.old_fingerprint} -> {change.new_fingerprint}")


def _partner_item_line(item: PartnerItem) -> str:
    facts = []
    if item.kind == "action":
        facts.append(item.status or "open")
        if item.due:
            facts.append(f"due {item.due.isoformat()}")
        if item.owner:
            facts.append({"me": "theirs", "partner": "yours", "both": "both"}.get(item.owner, item.owner))
    if item.kind == "progress" and item.level:
        facts.append(item.level)
    if item.for_coordinator:
        facts.append("for the coordinator")
    when = item.on.isoformat() if item.on else "?"
    extra = f" ({', '.join(facts)})" if facts else ""
    return f"[{item.item_id[:8]}] {when}  {item.kind:<11} {' '.join(item.text.split())}{extra}"


@partner.command("items")
@click.option("--pair", "pair_name", default=None, help="Only this pair.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@pass_journal
def partner_items(journal: Journal, pair_name: str | None, as_json: bool) -> None:
    """List what your partners shared with you (theirs: read-only here, never in your exports)."""
    pair_id = journal.pair(pair_name).id if pair_name else None
    found = journal.partner_items(pair_id)
    if as_json:
        emit_json([{**codec.to_dict(i), "kind": i.kind, "record": "partner-item"} for i in found])
        return
    if not found:
        click.echo("Your partner has shared nothing with you yet (their bundles bring it).")
    for item in found:
        _echo(_partner_item_line(item))


# -- bundles ---------------------------------------------------------------------------------------


@click.group("exchange")
def exchange() -> None:
    """Bundles between your journal and your partner's: encrypted to them, signed by you, sent by any channel."""


@exchange.command("out")
@click.option("--pair", "pair_name", required=True, help="The linked pair to write a bundle for.")
@click.option("--out", type=FILE, default=None,
              help="The bundle file (mode 0600; default: pairjournal-to-PARTNER-N.age here).")
@click.option("--force", is_flag=True, help="Replace --out if it already exists.")
@pass_journal
def exchange_out(journal: Journal, pair_name: str, out: Path | None, force: bool) -> None:
    """Write the next bundle for your partner: everything they have not confirmed receiving yet."""
    pair = journal.pair(pair_name)
    dest = out if out is not None else Path(bundles.suggested_name(journal, pair))
    written = bundles.write(journal, pair, dest, force=force)
    counts = written.counts()
    said = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items())) or "nothing new (it confirms theirs)"
    _echo(f"Wrote bundle {written.seq} for {pair.name} to {dest}: {said}.")
    click.echo("It is encrypted to your partner's key and signed with yours; send it by any channel.")


@exchange.command("in")
@click.argument("file", type=FILE)
@click.option("--pair", "pair_name", default=None, help="The pair it is for (needed only if it is ambiguous).")
@pass_journal
def exchange_in(journal: Journal, file: Path, pair_name: str | None) -> None:
    """Read a bundle from your partner: checked in full, then applied in one step, or refused whole."""
    pair = journal.pair(pair_name) if pair_name else None
    arrived = bundles.read(journal, file, pair=pair)
    _echo(f"Read bundle {arrived.seq} from {arrived.partner}.")
    if not arrived.lines:
        click.echo("Nothing new in it.")
    for line in arrived.lines:
        _echo(line)
    waiting = len(journal.consent_requests(pending_only=True))
    if waiting:
        click.echo(f"{waiting} consent request(s) wait for your answer: `pairjournal consent requests`.")


# -- the partner's consent requests -------------------------------------------------------------------


def _request_json(request: ConsentRequest) -> dict[str, Any]:
    data = codec.to_dict(request)
    data["content"] = requests.content_of(request)
    return data


@consent_group.command("requests")
@click.option("--pair", "pair_name", default=None, help="Only this pair.")
@click.option("--all", "show_all", is_flag=True, help="Also the requests you have answered.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@pass_journal
def consent_requests(journal: Journal, pair_name: str | None, show_all: bool, as_json: bool) -> None:
    """Your partner's requests to share their items with the coordinator, with the exact text that would leave."""
    pair_id = journal.pair(pair_name).id if pair_name else None
    found = journal.consent_requests(pair_id, pending_only=not show_all)
    if as_json:
        emit_json([_request_json(r) for r in found])
        return
    if not found:
        click.echo("No consent request waits for your answer." if not show_all else "No consent requests.")
    for request in found:
        decided = request.decision.value
        if request.decided_on:
            decided += f" {request.decided_on.isoformat()}"
        _echo(f"[{request.item_id[:8]}] {request.kind} for {request.coordinator or 'the coordinator'}: {decided}")
        content = requests.content_of(request)
        for name in sorted(content):
            if name not in ("kind", "pair", "coordinator") and content[name] not in (None, ""):
                _echo(f"    {name}: {content[name]}")
        _echo(f"    sha256 {request.sha256}")


def _answered(request: ConsentRequest) -> None:
    if request.decision is Decision.APPROVED:
        _echo(f"[{request.item_id[:8]}] approved: you signed a receipt for exactly these bytes "
              f"(sha256 {request.sha256[:16]}…). It leaves with your next bundle.")
    else:
        _echo(f"[{request.item_id[:8]}] declined; your answer leaves with your next bundle.")


@consent_group.command("approve")
@click.argument("request_id")
@click.option("--on", "on", type=DATE, default=None, help="The date of your approval (default: today).")
@pass_journal
def consent_approve(journal: Journal, request_id: str, on: date | None) -> None:
    """Approve your partner's request REQUEST_ID: sign a receipt for exactly the text it shows."""
    _answered(requests.approve(journal, request_id, on=on))


@consent_group.command("decline")
@click.argument("request_id")
@click.option("--on", "on", type=DATE, default=None, help="The date of your answer (default: today).")
@pass_journal
def consent_decline(journal: Journal, request_id: str, on: date | None) -> None:
    """Decline your partner's request REQUEST_ID: the item stays out of their exports."""
    _answered(requests.decline(journal, request_id, on=on))


COMMANDS = [card, partner, exchange]

__all__ = ["COMMANDS"]
