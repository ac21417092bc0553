"""The coordinator export: render a summary as Markdown, JSON or HTML, sign it, write it, log it.

prepare() builds the exact bytes (render and sign, no writes but the signing
key on first need); commit() writes those same bytes and logs the disclosure.
The interface shows prepare()'s bytes as the preview, so what the person
confirms is what leaves.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pairjournal.errors import PairjournalError, UsageError
from pairjournal.journal.service import Journal
from pairjournal.model import DeliveryStatus, Disclosure, Pair
from pairjournal.sharing import disclosures, escaping, summary
from pairjournal.sharing.escaping import h, md_text
from pairjournal.sharing.files import StagedFile, check_destination
from pairjournal.sharing.pseudonyms import PAIR, Replacement, pseudonym
from pairjournal.sharing.receipts import embed_line
from pairjournal.sharing.signing import ensure_key, pseudonym_secret, sign_document

FORMATS = ("md", "json", "html")
EXTENSIONS = {"md": "md", "json": "json", "html": "html"}
STDOUT = "-"


# -- Markdown ------------------------------------------------------------------------

def _md_inline(text: str) -> str:
    return md_text(" ".join(text.split()))


def _period(payload: dict[str, Any]) -> str:
    return f"{payload['period']['from']} to {payload['period']['to']}"


def held_text(sessions: dict[str, Any]) -> str:
    """ "3 of 4 expected (biweekly)"; when the period held no due date, says so rather than "1 of 0"."""
    held, expected, rhythm = sessions["held"], sessions["expected"], sessions["cadence"]
    if expected == 0:
        return f"{held} (no session was due in this period; {rhythm})"
    return f"{held} of {expected} expected ({rhythm})"


def _average(sessions: dict[str, Any]) -> str:
    avg = sessions["average_minutes"]
    return "no lengths recorded" if avg is None else f"{avg:g} minutes"


def _agreement_line(payload: dict[str, Any]) -> str:
    agreement = payload["agreement"]
    if agreement["version"] is None:
        return "No agreement is recorded for this pair."
    if agreement["acknowledged_by_both"]:
        return f"Agreement: version {agreement['version']}, acknowledged by both partners."
    return (
        f"Agreement: version {agreement['version']} is not acknowledged by both partners yet, "
        "so no objective is shared from it."
    )


def consent_label(payload: dict[str, Any], entry: dict[str, Any]) -> str:
    """How the partner consented to an exported item, in the words verify uses."""
    partner = payload["pair"]["partner_key"]
    return escaping.consent_label(entry, partner["fingerprint"] if partner else "")


def _md_item(payload: dict[str, Any], kind: str, entry: dict[str, Any]) -> list[str]:
    return escaping.md_item(kind, entry, consent_label(payload, entry))


def _html_item(payload: dict[str, Any], kind: str, entry: dict[str, Any]) -> list[str]:
    return escaping.html_item(kind, entry, consent_label(payload, entry))


def _signed_line(payload: dict[str, Any]) -> str | None:
    signed = payload["agreement"]["signed_by_both"]
    if signed is None:
        return None
    return (f"Version {signed['version']} (sha256 {signed['sha256']}) is signed by both partners: "
            f"the author on {signed['author_ack']}, the partner on {signed['partner_ack']}.")


CONSENT_NOTE = (
    "Each item says how the partner's consent was given: signed by the partner (a receipt that pairjournal verify "
    "checks against the item's exact bytes) or recorded by the author (the author's word). The line below is "
    "the machine-readable record verify reads."
)

FOOTER = (
    "Signed with the author's pairjournal key. To check that not one byte has changed, and who signed it, "
    "run `pairjournal verify` on this file with `--expect` and the fingerprint the author gave you directly. "
    "A fingerprint printed inside a file proves nothing, so this one prints none."
)


def render_markdown(payload: dict[str, Any]) -> str:
    pair, sessions, actions = payload["pair"], payload["sessions"], payload["actions"]
    out: list[str] = [
        f"# Mentoring summary: {_md_inline(pair['partner'])} and me",
        "",
        f"- Period: {_period(payload)}",
        f"- My role: {pair['my_role']}; my partner's role: {pair['partner_role']}",
    ]
    if pair["program"]:
        out.append(f"- Program: {_md_inline(pair['program'])}")
    if pair["coordinator"]:
        out.append(f"- Coordinator: {_md_inline(pair['coordinator'])}")
    out.append(f"- Pair reference: {_md_inline(pair['ref'])}")
    out.append(f"- Generated: {payload['generated']}")
    log = payload["disclosure"]
    out.append(f"- Disclosure log: number {log['seq']}, after entry {log['prev_hash']}")
    if payload["pseudonymized"]:
        out.append("- Names are replaced with pseudonyms.")
    out += [
        "",
        summary.PROMISE,
        summary.OBJECTIVES_RULE,
        "",
        "## Sessions",
        "",
        f"- Held: {held_text(sessions)}",
        f"- Average length: {_average(sessions)} (planned {sessions['planned_minutes']} minutes)",
        "",
        "## Action items",
        "",
        f"- Created in the period: {actions['created']}",
        f"- Done: {actions['done']}",
        f"- Overdue: {actions['overdue']}",
        "",
        "## Objectives",
        "",
        _agreement_line(payload),
        "",
    ]
    signed = _signed_line(payload)
    if signed:
        out += [signed, ""]
    if not payload["objectives"]:
        out += ["No objectives are shared.", ""]
    for objective in payload["objectives"]:
        number = objective["number"] if objective["number"] is not None else "(no number)"
        out += [f"### Objective {number}", ""]
        if objective["shared"]:
            out += [*_md_item(payload, "objective", objective), ""]
        else:
            out += ["This objective is not shared; only its number leaves.", ""]
        if objective["progress"]:
            out += ["Progress shared:", ""]
            for entry in objective["progress"]:
                out += _md_item(payload, "progress", entry)
            out.append("")
        else:
            out += ["No progress shared for this objective in the period.", ""]
    out += ["## Takeaways", ""]
    if not payload["takeaways"]:
        out += ["No takeaways shared in the period.", ""]
    for entry in payload["takeaways"]:
        out += _md_item(payload, "takeaway", entry)
    if payload["takeaways"]:
        out.append("")
    out += ["## Shared action items", ""]
    if not payload["action_items"]:
        out += ["No action items shared in the period.", ""]
    for entry in payload["action_items"]:
        out += _md_item(payload, "action", entry)
    if payload["action_items"]:
        out.append("")
    out += ["## Recognition", ""]
    if not payload["recognitions"]:
        out += ["No recognition shared in the period.", ""]
    for entry in payload["recognitions"]:
        out += _md_item(payload, "recognition", entry)
    if payload["recognitions"]:
        out.append("")
    out += ["## Consent", "", CONSENT_NOTE, "", "```pairjournal-consent", embed_line(payload), "```", ""]
    out += ["## Signature", "", FOOTER, "", ""]
    return "\n".join(out)


# -- HTML -----------------------------------------------------------------------------

_CSS = """
body { font-family: Georgia, 'Times New Roman', serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem;
       color: #1d1d1d; background: #fff; line-height: 1.5; }
h1 { font-size: 1.6rem; border-bottom: 2px solid #444; padding-bottom: .3rem; }
h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #bbb; }
h3 { font-size: 1.05rem; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
dl.facts dt { font-weight: bold; }
dl.facts dd { margin: 0; }
table.counts { border-collapse: collapse; }
table.counts td, table.counts th { border: 1px solid #bbb; padding: .2rem .6rem; text-align: left; }
.note { color: #555; font-style: italic; }
footer { margin-top: 3rem; font-size: .85rem; color: #555; border-top: 1px solid #bbb; }
code { font-family: 'DejaVu Sans Mono', monospace; }
.consent { color: #555; font-size: .9rem; }
pre.consent-record { white-space: pre-wrap; word-break: break-all; font-size: .7rem; color: #777; }
@media print {
  body { margin: 0; max-width: none; font-size: 11pt; color: #000; }
  h2, h3 { page-break-after: avoid; break-after: avoid; }
  li, tr, section.objective { page-break-inside: avoid; break-inside: avoid; }
  footer { color: #000; }
}
""".strip()


_h = h


# No script, no fetch of anything: a browser shows this page and does nothing else.
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; base-uri 'none'; form-action 'none'"


def render_html(payload: dict[str, Any]) -> str:
    pair, sessions, actions = payload["pair"], payload["sessions"], payload["actions"]
    facts = [("Period", _period(payload)), ("My role", pair["my_role"]), ("Partner's role", pair["partner_role"])]
    if pair["program"]:
        facts.append(("Program", pair["program"]))
    if pair["coordinator"]:
        facts.append(("Coordinator", pair["coordinator"]))
    facts += [
        ("Pair reference", pair["ref"]),
        ("Generated", payload["generated"]),
        ("Disclosure log", f"number {payload['disclosure']['seq']}, after entry {payload['disclosure']['prev_hash']}"),
    ]
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Mentoring summary: {_h(pair['partner'])}, {_h(_period(payload))}</title>",
        f"<style>\n{_CSS}\n</style>",
        "</head>",
        "<body>",
        f"<h1>Mentoring summary: {_h(pair['partner'])} and me</h1>",
        '<dl class="facts">',
        *(f"<dt>{_h(k)}</dt><dd>{_h(v)}</dd>" for k, v in facts),
        "</dl>",
    ]
    if payload["pseudonymized"]:
        out.append('<p class="note">Names are replaced with pseudonyms.</p>')
    out += [
        f'<p class="note">{_h(summary.PROMISE)} {_h(summary.OBJECTIVES_RULE)}</p>',
        "<h2>Sessions and action items</h2>",
        '<table class="counts">',
        f"<tr><th>Sessions held</th><td>{_h(held_text(sessions))}</td></tr>",
        f"<tr><th>Average length</th><td>{_h(_average(sessions))} (planned {sessions['planned_minutes']} "
        "minutes)</td></tr>",
        f"<tr><th>Action items created</th><td>{actions['created']}</td></tr>",
        f"<tr><th>Done</th><td>{actions['done']}</td></tr>",
        f"<tr><th>Overdue</th><td>{actions['overdue']}</td></tr>",
        "</table>",
        "<h2>Objectives</h2>",
        f"<p>{_h(_agreement_line(payload))}</p>",
    ]
    signed = _signed_line(payload)
    if signed:
        out.append(f"<p>{_h(signed)}</p>")
    if not payload["objectives"]:
        out.append("<p>No objectives are shared.</p>")
    for objective in payload["objectives"]:
        number = objective["number"] if objective["number"] is not None else "(no number)"
        out += ['<section class="objective">', f"<h3>Objective {_h(number)}</h3>"]
        if objective["shared"]:
            out += _html_item(payload, "objective", objective)
        else:
            out.append('<p class="note">This objective is not shared; only its number leaves.</p>')
        if objective["progress"]:
            out.append("<ul>")
            out += [line for e in objective["progress"] for line in _html_item(payload, "progress", e)]
            out.append("</ul>")
        else:
            out.append("<p>No progress shared for this objective in the period.</p>")
        out.append("</section>")
    out.append("<h2>Takeaways</h2>")
    if payload["takeaways"]:
        out += ["<ul>", *(line for e in payload["takeaways"] for line in _html_item(payload, "takeaway", e)),
                "</ul>"]
    else:
        out.append("<p>No takeaways shared in the period.</p>")
    out.append("<h2>Shared action items</h2>")
    if payload["action_items"]:
        out.append("<ul>")
        for e in payload["action_items"]:
            out += _html_item(payload, "action", e)
        out.append("</ul>")
    else:
        out.append("<p>No action items shared in the period.</p>")
    out.append("<h2>Recognition</h2>")
    if payload["recognitions"]:
        out += ["<ul>", *(line for e in payload["recognitions"] for line in _html_item(payload, "recognition", e)),
                "</ul>"]
    else:
        out.append("<p>No recognition shared in the period.</p>")
    out += ["<h2>Consent</h2>", f'<p class="note">{_h(CONSENT_NOTE)}</p>',
            f'<pre class="consent-record">{_h(embed_line(payload))}</pre>']
    out += ["<footer>", f"<p>{_h(FOOTER)}</p>", "</footer>", "</body>", "</html>", ""]
    return "\n".join(out)


# -- prepare and commit ---------------------------------------------------------------


@dataclass(frozen=True)
class Prepared:
    """The exact bytes of one export and what they disclose."""

    data: bytes
    fmt: str
    summary: summary.Summary

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def text(self) -> str:
        return self.data.decode("utf-8")

    @property
    def replacements(self) -> list[Replacement]:
        return self.summary.replacements


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-") or "pair"


def suggested_name(prepared: Prepared) -> str:
    """The file name for these bytes: the same rule as default_name, from what the export itself says."""
    s = prepared.summary
    label = s.payload["pair"]["ref"] if s.pseudonymized else s.payload["pair"]["partner"]
    made = s.generated or datetime.fromisoformat(s.payload["generated"])
    return file_name(label, made.date(), s.seq, prepared.fmt)


def file_name(label: str, day: date, seq: int, fmt: str) -> str:
    """pairjournal-<label>-<day>-<n>.<ext>, where n is the export's number in the disclosure log.

    The number makes every export of a journal a name of its own, however many go out on one day and
    wherever the earlier files went (a coordinator's inbox holds them side by side), and it points at
    the log entry that says what the file carried.
    """
    return f"pairjournal-{_slug(label)}-{day.isoformat()}-{seq}.{EXTENSIONS[fmt]}"


def default_name(journal: Journal, pair: Pair, fmt: str, *, pseudonymize: bool, on: date) -> str:
    """The name the wizard suggests before anything is rendered: the partner's name, or with pseudonyms
    the pair's pseudonym (never the partner's name), the day, and the next number in the disclosure log.

    Makes nothing: a journal without a signing key yet gets number 1, and with pseudonyms the key its
    first export would make anyway.
    """
    seq = disclosures.next_seq(journal)
    if not pseudonymize:
        return file_name(pair.name, on, seq, fmt)
    secret = pseudonym_secret(ensure_key(journal))
    return file_name(pseudonym(secret, PAIR, pair.id), on, seq, fmt)


def prepare(
    journal: Journal,
    pair: Pair,
    start: date,
    end: date,
    fmt: str,
    *,
    pseudonymize: bool = False,
    generated: datetime | None = None,
    id_salt: bytes | None = None,
) -> Prepared:
    """Renders and signs; writes nothing except the signing key on the journal's first export."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown export format {fmt!r} (use md, json or html)")
    key = ensure_key(journal)
    built = summary.build(journal, pair, start, end, pseudonymize=pseudonymize, generated=generated, id_salt=id_salt)
    content: dict[str, Any] | str
    if fmt == "json":
        content = built.payload
    elif fmt == "md":
        content = render_markdown(built.payload)
    else:
        content = render_html(built.payload)
    return Prepared(data=sign_document(key, fmt, content), fmt=fmt, summary=built)


class ExportFailed(PairjournalError):
    """The bytes could not be delivered; the log records the attempt as failed."""


class ExportStale(disclosures.LogMoved):
    """Consents, items or the log changed since these bytes were prepared: prepare them again."""


def _still_current(journal: Journal, prepared: Prepared) -> None:
    """Refuses bytes prepared before the journal changed: a withdrawal or an edit made
    after the preview (in this window or another process) must never be overtaken by it.
    Called with the write lock held, so nothing can change between this and the write."""
    s = prepared.summary
    again = summary.build(
        journal, s.pair, s.start, s.end, pseudonymize=s.pseudonymized, generated=s.generated, id_salt=s.id_salt
    )
    if again.payload != s.payload:
        raise ExportStale("the journal changed since this export was prepared (a consent, an item or the log); "
                          "prepare it again")


def _log(
    journal: Journal,
    prepared: Prepared,
    file_name: str,
    when: datetime | None,
    status: DeliveryStatus = DeliveryStatus.DELIVERED,
    failure: str = "",
) -> Disclosure:
    s = prepared.summary
    return disclosures.append(
        journal,
        recipient=s.recipient,
        pair_id=s.pair.id,
        period=(s.start, s.end),
        fmt=prepared.fmt,
        items=s.items,
        file_sha256=prepared.sha256,
        file_name=file_name,
        pseudonymized=s.pseudonymized,
        when=when,
        expect_seq=s.seq,
        status=status,
        failure=failure,
    )


def _failed(journal: Journal, prepared: Prepared, file_name: str, when: datetime | None, reason: str) -> None:
    # Best effort: the failure to deliver is what the person needs to hear about, not a second one.
    with contextlib.suppress(PairjournalError, OSError):
        _log(journal, prepared, file_name, when, DeliveryStatus.FAILED, reason)


def _reason(error: BaseException) -> str:
    if isinstance(error, OSError):
        return error.strerror or error.__class__.__name__
    return str(error)


def commit(
    journal: Journal,
    prepared: Prepared,
    dest: Path,
    *,
    force: bool = False,
    when: datetime | None = None,
) -> Disclosure:
    """Writes the prepared bytes (0600, no clobbering unless forced) and logs the disclosure.

    The file is written and synced under a hidden name first; then, in one
    transaction, the entry is logged as delivered and the file made visible. If
    making it visible fails, nothing is logged as delivered and the attempt is
    logged as failed; if logging fails, the file is removed again. So the log
    never claims a file that did not appear, and no file appears unlogged.
    """
    dest = Path(dest)
    check_destination(dest, force=force, journal_path=journal.path)
    name = str(dest.resolve())
    try:
        staged = StagedFile(dest, prepared.data)
    except OSError as error:
        _failed(journal, prepared, name, when, _reason(error))
        raise ExportFailed(f"could not write {dest}: {_reason(error)}") from None
    published = False
    try:
        journal.refresh()  # what another process wrote since the preview counts too
        with journal.batch():
            _still_current(journal, prepared)
            entry = _log(journal, prepared, name, when)
            staged.publish(force=force)
            published = True
    except disclosures.LogMoved:
        staged.discard()
        raise
    except (PairjournalError, OSError) as error:
        staged.discard()
        if published:
            with contextlib.suppress(OSError):
                os.unlink(dest)
        _failed(journal, prepared, name, when, _reason(error))
        if isinstance(error, PairjournalError):
            raise
        raise ExportFailed(f"could not write {dest}: {_reason(error)}") from None
    return entry


def commit_stream(
    journal: Journal,
    prepared: Prepared,
    write: Callable[[bytes], None],
    *,
    when: datetime | None = None,
) -> Disclosure:
    """Hands the bytes to `write` (standard output) and logs the disclosure once it took all of them."""
    try:
        journal.refresh()
        with journal.batch():
            _still_current(journal, prepared)
            entry = _log(journal, prepared, STDOUT, when)
            write(prepared.data)
    except disclosures.LogMoved:
        raise
    except (PairjournalError, OSError) as error:
        _failed(journal, prepared, STDOUT, when, _reason(error))
        if isinstance(error, PairjournalError):
            raise
        raise ExportFailed(f"could not write the export to standard output: {_reason(error)}") from None
    return entry


__all__ = [
    "FORMATS",
    "STDOUT",
    "ExportFailed",
    "Prepared",
    "commit",
    "commit_stream",
    "default_name",
    "file_name",
    "md_text",
    "prepare",
    "render_html",
    "render_markdown",
    "suggested_name",
]
