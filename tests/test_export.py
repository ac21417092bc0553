"""The coordinator export: contents, formats, schema, pseudonyms, period, cadence, files and the CLI."""

from __future__ import annotations

import hashlib
import json
import os
import stat
from collections.abc import Callable
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from pathlib import Path

import jsonschema
import pytest
from markdown_it import MarkdownIt

from factories import words
from pairjournal.journal import Journal
from pairjournal.model import ActionItem, ActionStatus, Cadence, Disclosure, Pair, Role, Session, ShareScope, Takeaway
from pairjournal.sharing import consent, export, signing
from pairjournal.sharing.summary import default_period
from sharing_world import COORDINATOR, END, NOW, PARTNER, START, World, at, build, consent_on, reconsent, save_shared

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = json.loads((ROOT / "docs" / "export.schema.json").read_text())
PASSPHRASE = "correct horse battery staple"


def _all_formats(journal: Journal, pair: Pair, **kw: object) -> dict[str, str]:
    return {
        fmt: export.prepare(journal, pair, kw.pop("start", START), kw.pop("end", END), fmt, generated=NOW, **kw).text  # type: ignore[arg-type]
        for fmt in export.FORMATS
    }


def _payload(journal: Journal, pair: Pair, start: date = START, end: date = END, **kw: bool) -> dict:
    data = export.prepare(journal, pair, start, end, "json", generated=NOW, **kw).data
    return json.loads(data)["payload"]


@pytest.fixture
def world(journal: Journal) -> World:
    return build(journal)


# -- what goes in ---------------------------------------------------------------------


@pytest.mark.parametrize("fmt", export.FORMATS)
def test_only_consented_items_and_counts_leave(journal: Journal, world: World, fmt: str) -> None:
    text = export.prepare(journal, world.pair, START, END, fmt, generated=NOW).text
    for shared in ("SHARED-TAKEAWAY", "SHARED-WORDING", "SHARED-ACTION", "SHARED-ACTION-EVIDENCE", "SHARED-PROGRESS",
                   "SHARED-OUTCOME", "SHARED-OBJ-EVIDENCE"):
        assert shared in text, shared
    assert "SECRET" not in text


def test_the_payload_holds_exactly_the_consented_items(journal: Journal, world: World) -> None:
    payload = _payload(journal, world.pair)
    assert [t["id"] for t in payload["takeaways"]] == [world.shared_takeaway.id, world.worded_takeaway.id]
    assert [a["id"] for a in payload["action_items"]] == [world.shared_action.id]
    assert [p["id"] for o in payload["objectives"] for p in o["progress"]] == [world.shared_progress.id]
    assert payload["objectives"][0]["outcome"].startswith("SHARED-OUTCOME")
    assert payload["pair"]["partner"] == PARTNER
    assert payload["pair"]["coordinator"] == COORDINATOR
    assert payload["period"] == {"from": "2025-01-01", "to": "2025-06-30"}


def test_counts(journal: Journal, world: World) -> None:
    payload = _payload(journal, world.pair)
    # Three sessions in the period (one before it does not count); biweekly from the pair's start
    # on 6 January, one is due every fortnight: 6 January ... 23 June, 13 due dates by 30 June.
    assert payload["sessions"]["held"] == 3
    assert payload["sessions"]["expected"] == 13
    assert payload["sessions"]["average_minutes"] == 35.0
    assert payload["sessions"]["planned_minutes"] == 30
    # Two actions created in the period: one done, one open and past due on the day of the export.
    assert payload["actions"] == {"created": 2, "done": 1, "overdue": 1}


def test_counts_take_no_other_pairs_actions(journal: Journal, world: World) -> None:
    """The numbers come from the pair's own actions: another pair's, in the same period, count for it alone."""
    other = journal.add_pair("Someone Else", Role.MENTOR)
    for n in range(3):
        journal.save(ActionItem(pair_id=other.id, text=f"the other pair's action {n}", due=date(2025, 2, 1),
                                status=ActionStatus.DONE if n else ActionStatus.OPEN, created=datetime(2025, 2, 2 + n, tzinfo=UTC)))
    assert _payload(journal, world.pair)["actions"] == {"created": 2, "done": 1, "overdue": 1}
    assert _payload(journal, other, START, END)["actions"] == {"created": 3, "done": 2, "overdue": 1}


def test_coordinator_wording_is_used_and_evidence_dropped_with_it(journal: Journal, world: World) -> None:
    consent.share(journal, world.shared_action.id, "coordinator", wording="SHARED-ACTION-WORDING tried an assistant")
    consent.give_consent(journal, world.shared_action.id, how="in person")
    payload = _payload(journal, world.pair)
    entry = payload["action_items"][0]
    assert entry["text"] == "SHARED-ACTION-WORDING tried an assistant"
    assert entry["evidence"] == ""


@pytest.mark.parametrize("cadence,days,expected", [
    (Cadence.BIWEEKLY, 84, 6), (Cadence.WEEKLY, 84, 12), (Cadence.MONTHLY, 90, 3), (Cadence.BIWEEKLY, 13, 1),
])
def test_cadence_arithmetic_in_the_export(journal: Journal, cadence: Cadence, days: int, expected: int) -> None:
    first = date(2025, 1, 1)
    last = date.fromordinal(first.toordinal() + days - 1)
    pair = journal.add_pair("Ana", "mentee", cadence=cadence, start=first)
    for n in range(3):
        journal.add_session(pair.id, on=date(2025, 1, 2 + 7 * n), minutes=20 + 10 * n)
    payload = _payload(journal, pair, first, last)
    assert payload["sessions"]["expected"] == expected
    held = sum(1 for n in range(3) if date(2025, 1, 2 + 7 * n) <= last)
    assert payload["sessions"]["held"] == held


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_a_period_with_no_due_date_says_so_rather_than_one_of_zero(journal: Journal, fmt: str) -> None:
    pair = journal.add_pair("Ana", "mentee", cadence="biweekly", start=date(2025, 1, 1))  # due 1 Jan, 15 Jan
    journal.add_session(pair.id, on=date(2025, 1, 5), minutes=30)
    prepared = export.prepare(journal, pair, date(2025, 1, 3), date(2025, 1, 10), fmt, generated=NOW)  # type: ignore[arg-type]
    assert _payload(journal, pair, date(2025, 1, 3), date(2025, 1, 10))["sessions"]["expected"] == 0
    assert "1 (no session was due in this period; biweekly)" in prepared.text
    assert "of 0 expected" not in prepared.text


def test_expected_sessions_stop_at_the_pairs_planned_end(journal: Journal) -> None:
    pair = journal.add_pair("Ana", "mentee", cadence="biweekly", start=date(2025, 1, 1))
    pair.planned_end = date(2025, 3, 25)  # 84 days
    journal.save(pair)
    assert _payload(journal, pair, date(2024, 6, 1), date(2025, 12, 31))["sessions"]["expected"] == 6


def test_period_bounds_are_inclusive(journal: Journal) -> None:
    pair = journal.add_pair("Ana", "mentee")
    days = {"before": date(2025, 2, 28), "first": date(2025, 3, 1), "last": date(2025, 3, 31), "after": date(2025, 4, 1)}
    for label, day in days.items():
        save_shared(journal, Takeaway(pair_id=pair.id, text=f"ON-{label}", scope=ShareScope.COORDINATOR,
                              created=at(day)), consent_on(day))
        session = journal.save(Session(pair_id=pair.id, date=day, actual_minutes=30))
        assert session
    payload = _payload(journal, pair, date(2025, 3, 1), date(2025, 3, 31))
    assert [t["text"] for t in payload["takeaways"]] == ["ON-first", "ON-last"]
    assert payload["sessions"]["held"] == 2


def test_a_takeaway_belongs_to_its_sessions_date(journal: Journal) -> None:
    pair = journal.add_pair("Ana", "mentee")
    session = journal.add_session(pair.id, on=date(2025, 3, 31))
    # Written down on 2 April about the session of 31 March.
    save_shared(journal, Takeaway(pair_id=pair.id, text="LATE-NOTE", session_id=session.id, scope=ShareScope.COORDINATOR,
                                  created=at(date(2025, 4, 2))), consent_on(date(2025, 4, 2)))
    assert [t["text"] for t in _payload(journal, pair, date(2025, 3, 1), date(2025, 3, 31))["takeaways"]] == ["LATE-NOTE"]
    assert _payload(journal, pair, date(2025, 4, 1), date(2025, 4, 30))["takeaways"] == []


def test_default_period_is_the_last_twelve_months() -> None:
    assert default_period(None, None, date(2025, 6, 30)) == (date(2024, 7, 1), date(2025, 6, 30))
    assert default_period(None, date(2024, 2, 29)) == (date(2023, 3, 1), date(2024, 2, 29))
    assert default_period(date(2025, 1, 1), None, date(2025, 6, 30)) == (date(2025, 1, 1), date(2025, 6, 30))


def test_only_the_named_pair_is_exported(journal: Journal, world: World) -> None:
    other = journal.add_pair("Ben", "mentor")
    save_shared(journal, Takeaway(pair_id=other.id, text="OTHER-PAIR", scope=ShareScope.COORDINATOR,
                                  created=at(date(2025, 2, 1))), consent_on(date(2025, 2, 1)))
    assert "OTHER-PAIR" not in export.prepare(journal, world.pair, START, END, "md", generated=NOW).text
    assert "OTHER-PAIR" in export.prepare(journal, other, START, END, "md", generated=NOW).text


# -- pseudonyms -----------------------------------------------------------------------------


def test_pseudonymize_leaves_no_real_names(journal: Journal, world: World) -> None:
    texts = _all_formats(journal, world.pair, pseudonymize=True)
    for fmt, text in texts.items():
        for name in ("ana", "souza", "carla", "mendes"):
            assert name not in words(text), (fmt, name)
        assert world.pair.id not in text.casefold(), fmt
        assert "SHARED-TAKEAWAY" in text
    payload = _payload(journal, world.pair, pseudonymize=True)
    assert payload["pseudonymized"] is True
    assert payload["pair"]["partner"].startswith("Partner-")
    assert payload["pair"]["coordinator"].startswith("Coordinator-")
    assert payload["pair"]["ref"].startswith("Pair-")
    # Stable: the same journal gives the same pseudonyms every time.
    assert _payload(journal, world.pair, pseudonymize=True)["pair"] == payload["pair"]
    # Names inside shared text are replaced too.
    assert payload["takeaways"][0]["text"].startswith(f"SHARED-TAKEAWAY {payload['pair']['partner']} showed me")


def test_pseudonyms_differ_between_journals(journal: Journal, make_journal: Callable[..., Journal],
                                            tmp_path: Path) -> None:
    build(journal)
    other = make_journal(tmp_path / "other.pairjournal")
    build(other, fixed_key=False)
    a = _payload(journal, journal.pair("Ana"), pseudonymize=True)["pair"]["partner"]
    b = _payload(other, other.pair("Ana"), pseudonymize=True)["pair"]["partner"]
    assert a != b


# -- formats ----------------------------------------------------------------------------------


def test_json_validates_against_the_schema(journal: Journal, world: World) -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    for pseudonymize in (False, True):
        data = json.loads(export.prepare(journal, world.pair, START, END, "json", generated=NOW,
                                         pseudonymize=pseudonymize).data)
        jsonschema.validate(data, SCHEMA, cls=jsonschema.Draft202012Validator)
    empty = journal.add_pair("Empty", "mentor")
    jsonschema.validate(json.loads(export.prepare(journal, empty, START, END, "json").data), SCHEMA,
                        cls=jsonschema.Draft202012Validator)


def test_the_schema_rejects_extra_fields(journal: Journal, world: World) -> None:
    data = json.loads(export.prepare(journal, world.pair, START, END, "json", generated=NOW).data)
    data["payload"]["takeaways"][0]["notes"] = "should not be here"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, SCHEMA, cls=jsonschema.Draft202012Validator)


def test_markdown_is_commonmark_with_user_text_shown_literally(journal: Journal, world: World) -> None:
    takeaway = journal.get(Takeaway, world.shared_takeaway.id)
    takeaway.text = "SHARED-TAKEAWAY # not a heading\n- not a list\n1. not ordered <script>x</script> [link](y) `code`"
    journal.save(takeaway)
    reconsent(journal, takeaway.id)
    text = export.prepare(journal, world.pair, START, END, "md", generated=NOW).text
    md = MarkdownIt("commonmark")
    tokens = md.parse(text)
    kinds = {t.type for t in tokens}
    assert "html_block" not in kinds
    inline_children = [c for t in tokens if t.children for c in t.children]
    markup = [c for c in inline_children if c.type in ("html_inline", "link_open", "code_inline", "em_open")]
    assert [c.content for c in markup] == ["pairjournal verify", "--expect"]  # our own instruction, not user text
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert headings[0] == f"Mentoring summary: {PARTNER} and me"
    assert "Takeaways" in headings and "Signature" in headings
    assert not any("not a heading" in h for h in headings)
    fence = [t for t in tokens if t.type == "fence"]
    # Our two blocks, none from user text: the consent records verify reads, then the signature, last.
    assert [f.info for f in fence] == ["pairjournal-consent", "pairjournal-signature"] and tokens[-1] is fence[-1]
    rendered = md.render(text)
    assert "<em>" not in rendered and "<li>" in rendered
    assert "- not a list" in rendered and "1. not ordered" in rendered
    assert "&lt;script&gt;x&lt;/script&gt;" in rendered
    assert "# not a heading" in rendered


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.text: list[str] = []
        self.comments: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs += attrs

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)


def test_html_is_self_contained_escaped_and_prints_well(journal: Journal, world: World) -> None:
    takeaway = journal.get(Takeaway, world.shared_takeaway.id)
    takeaway.text = 'SHARED-TAKEAWAY <img src="http://x/y.png"> & "quotes"'
    journal.save(takeaway)
    reconsent(journal, takeaway.id)
    text = export.prepare(journal, world.pair, START, END, "html", generated=NOW).text
    parsed = _Collector()
    parsed.feed(text)
    assert "img" not in parsed.tags and "script" not in parsed.tags and "link" not in parsed.tags
    assert not [a for a in parsed.attrs if a[0] in ("src", "href")]
    # The one "http" is the Content-Security-Policy's http-equiv: no address is ever in the page.
    assert "http" not in text.replace('SHARED-TAKEAWAY &lt;img src=&quot;http', "").replace("http-equiv", "")
    assert ("http-equiv", "Content-Security-Policy") in parsed.attrs
    policy = text.split('http-equiv="Content-Security-Policy" content="', 1)[1].split('"', 1)[0]
    assert "default-src 'none'" in policy and "script" not in policy
    assert "url(" not in text and "@import" not in text
    assert "@media print" in text
    assert any('SHARED-TAKEAWAY <img src="http://x/y.png"> & "quotes"' in t for t in parsed.text)
    assert parsed.tags[0] == "html" and text.startswith("<!DOCTYPE html>")
    assert parsed.comments and parsed.comments[-1].startswith(" pairjournal-signature ")


# -- files and the CLI ---------------------------------------------------------------------------


def _log(path: Path) -> list[Disclosure]:
    journal = Journal.open(path, PASSPHRASE)
    try:
        return sorted(journal.all(Disclosure), key=lambda d: d.seq)
    finally:
        journal.close()


@pytest.mark.parametrize("fmt", export.FORMATS)
def test_cli_export_writes_a_private_signed_file_and_logs_it(
    journal: Journal, journal_path: Path, tmp_path: Path, cli: Callable[..., object], fmt: str
) -> None:
    build(journal)
    fp = signing.fingerprint(journal)
    journal.close()
    out = tmp_path / f"for-carla.{fmt}"
    result = cli("export", "--pair", "Ana", "--from", "2025-01-01", "--to", "2025-06-30", "--format", fmt,
                 "--out", str(out))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert "logged as disclosure #1" in result.stderr
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    data = out.read_bytes()
    assert b"SHARED-TAKEAWAY" in data and b"SECRET" not in data
    assert signing.verify_bytes(data).fingerprint == fp
    (entry,) = _log(journal_path)
    assert entry.file_sha256 == hashlib.sha256(data).hexdigest()
    assert entry.file_name == str(out.resolve())
    assert entry.recipient == COORDINATOR and entry.format == fmt
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_cli_export_to_stdout_is_logged_too(journal: Journal, journal_path: Path, cli: Callable[..., object]) -> None:
    build(journal)
    journal.close()
    result = cli("export", "--pair", "ana", "--from", "2025-01-01", "--to", "2025-06-30", "--format", "md")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("# Mentoring summary")
    assert signing.verify_bytes(result.stdout.encode()).format == "md"
    (entry,) = _log(journal_path)
    assert entry.file_name == "-"
    assert entry.file_sha256 == hashlib.sha256(result.stdout.encode()).hexdigest()


def test_cli_export_pseudonymize(journal: Journal, cli: Callable[..., object]) -> None:
    build(journal)
    journal.close()
    result = cli("export", "--pair", "Ana", "--from", "2025-01-01", "--to", "2025-06-30", "--format", "html",
                 "--pseudonymize")
    assert result.exit_code == 0, result.stderr
    assert not {"ana", "carla"} & words(result.stdout) and "Partner-" in result.stdout


def test_cli_export_force_replaces(journal: Journal, tmp_path: Path, cli: Callable[..., object]) -> None:
    build(journal)
    journal.close()
    out = tmp_path / "x.json"
    out.write_text("old")
    os.chmod(out, 0o644)
    result = cli("export", "--pair", "Ana", "--format", "json", "--out", str(out), "--force")
    assert result.exit_code == 0, result.stderr
    assert signing.verify_bytes(out.read_bytes()).format == "json"
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600


@pytest.mark.parametrize(
    "args,message",
    [
        (("--pair", "Nobody", "--format", "md"), "no pair named"),
        (("--format", "md"), "--pair"),
        (("--pair", "Ana", "--format", "pdf"), "pdf"),
        (("--pair", "Ana", "--format", "md", "--from", "2025-02-30"), "not a valid date"),
        (("--pair", "Ana", "--format", "md", "--to", "yesterday"), "not a valid date"),
        (("--pair", "Ana", "--format", "md", "--from", "2025-06-01", "--to", "2025-05-31"), "before it starts"),
        (("--pair", "Ana", "--format", "md", "--out", "{existing}"), "already exists; choose another --out, or pass --force"),
        (("--pair", "Ana", "--format", "md", "--out", "{nodir}"), "does not exist"),
        (("--pair", "Ana", "--format", "md", "--plaintext"), "--all"),
        (("--all", "--format", "json"), "--plaintext"),
        (("--all", "--format", "md", "--plaintext"), "JSON only"),
        (("--all", "--format", "json", "--plaintext", "--pair", "Ana"), "--pair"),
    ],
)
def test_cli_export_bad_input(
    journal: Journal, journal_path: Path, tmp_path: Path, cli: Callable[..., object], args: tuple[str, ...],
    message: str
) -> None:
    build(journal)
    journal.close()
    existing = tmp_path / "existing.md"
    existing.write_text("keep me")
    before = sorted(p.name for p in tmp_path.iterdir())
    filled = [a.replace("{existing}", str(existing)).replace("{nodir}", str(tmp_path / "no" / "x.md")) for a in args]
    result = cli("export", *filled)
    assert result.exit_code != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr
    assert result.stdout == ""
    assert existing.read_text() == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert _log(journal_path) == []


def test_cli_full_backup_needs_plaintext_and_warns(journal: Journal, journal_path: Path, tmp_path: Path,
                                                    cli: Callable[..., object]) -> None:
    build(journal)
    journal.close()
    out = tmp_path / "everything.json"
    result = cli("export", "--all", "--format", "json", "--plaintext", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    assert "warning" in result.stderr and "plaintext" in result.stderr
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    data = json.loads(out.read_text())
    assert data["schema"] == "pairjournal-backup"
    assert "SECRET-REFLECTION about my own assumptions" in out.read_text()
    assert _log(journal_path) == []


def test_export_of_a_year_is_fast_enough_to_not_need_a_progress_bar(journal: Journal) -> None:
    """Not a timing assertion: a year of weekly sessions renders to a sane size in every format."""
    pair = journal.add_pair("Ana", "mentee", cadence="weekly", start=date(2024, 7, 1))
    with journal.batch():
        for week in range(52):
            day = date.fromordinal(date(2024, 7, 1).toordinal() + 7 * week)
            session = journal.save(Session(pair_id=pair.id, date=day, actual_minutes=30))
            save_shared(journal, Takeaway(pair_id=pair.id, text=f"week {week}", session_id=session.id,
                                          scope=ShareScope.COORDINATOR), consent_on(day))
            journal.save(ActionItem(pair_id=pair.id, text=f"do {week}", status=ActionStatus.DONE,
                                    created=datetime(day.year, day.month, day.day, tzinfo=UTC)))
    payload = _payload(journal, pair, date(2024, 7, 1), date(2025, 6, 29))
    assert payload["sessions"]["held"] == payload["sessions"]["expected"] == 52
    assert payload["actions"]["done"] == 52
    assert len(payload["takeaways"]) == 52


def test_role_words(journal: Journal) -> None:
    pair = journal.add_pair("Ana", Role.MENTOR)
    payload = _payload(journal, pair)
    assert (payload["pair"]["my_role"], payload["pair"]["partner_role"]) == ("mentor", "mentee")


def test_sharing_never_imports_textual() -> None:
    """The sharing layer runs without the interface: a child process imports it and finds no textual."""
    import subprocess
    import sys

    code = (
        "import sys, pairjournal.sharing.export, pairjournal.sharing.portable, pairjournal.sharing.consent, "
        "pairjournal.cli.sharing; print('textual' in sys.modules)"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.strip() == "False"


def test_every_sharing_command_has_help_and_is_documented() -> None:
    from pairjournal.cli import sharing as sharing_cli

    doc = (ROOT / "docs" / "EXPORT.md").read_text()
    for command in sharing_cli.COMMANDS:
        assert command.help, command.name
        assert f"pairjournal {command.name}" in doc, command.name
        for sub in getattr(command, "commands", {}).values():
            assert sub.help, sub.name
            assert f"pairjournal {command.name} {sub.name}" in doc, sub.name
