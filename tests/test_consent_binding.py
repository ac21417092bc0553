"""Consent bound to content: every way an export could say something the partner did not approve.

Each test plants a secret where it must not leave, runs the export paths, and
greps the bytes written. The numbers refer to the consent issue's list of
paths that broke the promise.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from pairjournal.journal import Journal
from pairjournal.journal.outbound import ConsentStatus
from pairjournal.model import Agreement, Objective, ObjectiveProgress, ShareScope
from pairjournal.sharing import consent, export
from sharing_world import END, NOW, START, World, build, reconsent

PASSPHRASE = "correct horse battery staple"


def _every_format(journal: Journal, world: World, **kw: object) -> dict[str, bytes]:
    return {
        fmt: export.prepare(journal, world.pair, START, END, fmt, generated=NOW, **kw).data  # type: ignore[arg-type]
        for fmt in export.FORMATS
    }


def _assert_absent(journal: Journal, world: World, *secrets: str) -> None:
    for pseudonymize in (False, True):
        for fmt, data in _every_format(journal, world, pseudonymize=pseudonymize).items():
            for secret in secrets:
                assert secret.encode() not in data, (fmt, pseudonymize, secret)


@pytest.fixture
def world(journal: Journal) -> World:
    return build(journal)


# -- 1. consent is bound to the exact content ----------------------------------------------------


def test_clearing_the_wording_never_lets_the_private_text_leave(journal: Journal, world: World,
                                                                cli: Callable[..., object]) -> None:
    item = world.worded_takeaway
    assert consent.status(journal, item) is ConsentStatus.CONSENTED
    journal.close()
    result = cli("share", item.id[:8], "coordinator", "--wording", "")
    assert result.exit_code == 0, result.stderr  # type: ignore[attr-defined]
    assert "changed since consent" in result.stdout  # type: ignore[attr-defined]
    listed = cli("consent", "list", "--json")
    row = next(r for r in json.loads(listed.stdout) if r["id"] == item.id)  # type: ignore[attr-defined]
    assert row["status"] == "changed" and row["label"] == "changed since consent"
    with Journal.open(journal.path, PASSPHRASE) as reopened:
        _assert_absent(reopened, world, "SECRET-RAW-WORDING", "SHARED-WORDING")
    out = journal.path.parent / "after.md"
    assert cli("export", "--pair", "Ana", "--from", "2025-01-01", "--to", "2025-06-30", "--format", "md",
               "--out", str(out)).exit_code == 0  # type: ignore[attr-defined]
    assert b"SECRET-RAW-WORDING" not in out.read_bytes()


def test_an_actions_private_evidence_never_leaves_when_its_wording_is_cleared(journal: Journal, world: World) -> None:
    consent.share(journal, world.shared_action.id, "coordinator", wording="SHARED-ACTION-WORDING")
    consent.give_consent(journal, world.shared_action.id, how="in person")
    action = journal.find(world.shared_action.id)
    action.evidence = "SECRET-EVIDENCE-BEHIND-WORDING"  # type: ignore[union-attr]
    journal.save(action)  # type: ignore[arg-type]
    assert b"SHARED-ACTION-WORDING" in _every_format(journal, world)["json"]
    consent.set_wording(journal, world.shared_action.id, "")
    assert consent.status(journal, world.shared_action) is ConsentStatus.CHANGED
    _assert_absent(journal, world, "SECRET-EVIDENCE-BEHIND-WORDING", "SHARED-ACTION-WORDING", "SHARED-ACTION try")


def test_a_new_wording_leaves_only_after_both_consent_to_it(journal: Journal, world: World) -> None:
    consent.set_wording(journal, world.shared_takeaway.id, "SECRET-NEW-WORDING not agreed yet")
    _assert_absent(journal, world, "SECRET-NEW-WORDING", "SHARED-TAKEAWAY")
    consent.share(journal, world.shared_takeaway.id, "coordinator")
    assert consent.status(journal, world.shared_takeaway) is ConsentStatus.CHANGED  # the partner's is stale
    _assert_absent(journal, world, "SECRET-NEW-WORDING")
    consent.give_consent(journal, world.shared_takeaway.id, how="by chat")
    assert b"SECRET-NEW-WORDING" in _every_format(journal, world)["md"]


def test_new_evidence_through_action_done_needs_consent_again(journal: Journal, world: World,
                                                              cli: Callable[..., object]) -> None:
    action = journal.add_action(world.pair.id, "SHARED-OPEN-ACTION", scope="coordinator")
    consent.give_consent(journal, action.id, how="in person")
    journal.close()
    result = cli("action", "done", action.id[:8], "--evidence", "SECRET-LATE-EVIDENCE")
    assert result.exit_code == 0, result.stderr  # type: ignore[attr-defined]
    with Journal.open(journal.path, PASSPHRASE) as reopened:
        again = reopened.find(action.id)
        assert reopened.consent_status(again) is ConsentStatus.CHANGED  # type: ignore[arg-type]
        text = export.prepare(reopened, reopened.pair("Ana"), START, date.today(), "json").data
        assert b"SECRET-LATE-EVIDENCE" not in text and b"SHARED-OPEN-ACTION" not in text


def test_any_edit_of_a_consented_item_makes_it_changed_everywhere(journal: Journal, world: World) -> None:
    takeaway = journal.find(world.shared_takeaway.id)
    takeaway.text = "SECRET-EDITED-AFTER-CONSENT"  # type: ignore[union-attr]
    journal.save(takeaway)  # type: ignore[arg-type]
    rows = {r.id: r for r in consent.overview(journal)}
    assert rows[takeaway.id].status is ConsentStatus.CHANGED  # type: ignore[union-attr]
    assert takeaway in consent.waiting(journal, world.pair.id)
    _assert_absent(journal, world, "SECRET-EDITED-AFTER-CONSENT")
    reconsent(journal, world.shared_takeaway.id)
    assert b"SECRET-EDITED-AFTER-CONSENT" in _every_format(journal, world)["html"]


def test_a_changed_session_date_changes_what_a_takeaway_would_say(journal: Journal, world: World) -> None:
    session = journal.find(world.shared_takeaway.session_id or "")
    session.date = date(2025, 1, 8)  # type: ignore[union-attr]
    journal.save(session)  # type: ignore[arg-type]
    assert consent.status(journal, world.shared_takeaway) is ConsentStatus.CHANGED


# -- 2. objectives share like items ----------------------------------------------------------------


def _new_version(journal: Journal, world: World, objectives: list[Objective], *, both: bool) -> Agreement:
    version = journal.new_agreement_version(world.pair.id, objectives=objectives)
    if both:
        journal.acknowledge(version, me=date(2025, 2, 1), partner=date(2025, 2, 2))
    return version


def test_a_draft_version_shares_no_objective(journal: Journal, world: World) -> None:
    assert b"SHARED-OUTCOME" in _every_format(journal, world)["md"]
    kept = Objective(outcome=world.objective.outcome, evidence=world.objective.evidence,
                     timebox=world.objective.timebox, id=world.objective.id)
    draft = _new_version(journal, world, [kept, Objective(outcome="SECRET-DRAFT-OBJECTIVE")], both=False)
    assert draft.objectives[0].scope is ShareScope.COORDINATOR  # its sharing came along, bound to its text
    for data in _every_format(journal, world).values():
        assert b"SHARED-OUTCOME" not in data and b"SECRET-DRAFT-OBJECTIVE" not in data
    payload = json.loads(_every_format(journal, world)["json"])["payload"]
    assert payload["agreement"] == {"version": 2, "acknowledged_by_both": False, "signed_by_both": None}
    # The consented progress entry still leaves, under its objective's number only.
    (stub,) = payload["objectives"]
    assert stub["shared"] is False and stub["number"] == 1 and stub["outcome"] is None
    assert [p["text"] for p in stub["progress"]] == ["SHARED-PROGRESS first report drafted"]
    journal.acknowledge(draft, me=date(2025, 2, 1), partner=date(2025, 2, 2))
    assert b"SHARED-OUTCOME" in _every_format(journal, world)["md"]


def test_a_removed_objective_never_leaves(journal: Journal, world: World) -> None:
    _new_version(journal, world, [Objective(outcome="SECRET-REPLACEMENT-OBJECTIVE")], both=True)
    for data in _every_format(journal, world).values():
        assert b"SHARED-OUTCOME" not in data and b"SHARED-OBJ-EVIDENCE" not in data
        assert b"SECRET-REPLACEMENT-OBJECTIVE" not in data  # acknowledged, but not shared
        assert b"SHARED-PROGRESS" in data
    payload = json.loads(_every_format(journal, world)["json"])["payload"]
    (stub,) = payload["objectives"]
    assert stub == {**stub, "shared": False, "number": 1, "outcome": None, "evidence": None, "timebox": None}


def test_an_objective_whose_text_changed_needs_consent_again(journal: Journal, world: World) -> None:
    edited = Objective(outcome="SECRET-REWORDED-OUTCOME", evidence=world.objective.evidence, id=world.objective.id)
    version = _new_version(journal, world, [edited], both=True)
    assert consent.status(journal, version.objectives[0]) is ConsentStatus.CHANGED
    _assert_absent(journal, world, "SECRET-REWORDED-OUTCOME")
    reconsent(journal, world.objective.id)
    assert b"SECRET-REWORDED-OUTCOME" in _every_format(journal, world)["json"]


def test_an_unshared_objective_stays_home(journal: Journal, world: World) -> None:
    consent.set_scope(journal, world.objective.id, "private")
    _assert_absent(journal, world, "SHARED-OUTCOME", "SHARED-OBJ-EVIDENCE")


def test_objectives_are_listed_and_shared_through_the_cli(journal: Journal, world: World,
                                                          cli: Callable[..., object]) -> None:
    journal.close()
    listed = cli("list", "objectives", "--json")
    assert listed.exit_code == 0, listed.stderr  # type: ignore[attr-defined]
    (row,) = json.loads(listed.stdout)  # type: ignore[attr-defined]
    assert row["id"] == world.objective.id and row["number"] == 1 and row["status"] == "consented"
    assert cli("share", world.objective.id, "private").exit_code == 0  # type: ignore[attr-defined]
    shown = cli("consent", "show", world.objective.id, "--json")
    assert json.loads(shown.stdout)["status"] == "withdrawn"  # type: ignore[attr-defined]


# -- 3. no real name in a pseudonymised file's name ------------------------------------------------


def test_suggested_names_use_the_pseudonym(journal: Journal, world: World) -> None:
    named = export.default_name(journal, world.pair, "md", pseudonymize=False, on=NOW.date())
    hidden = export.default_name(journal, world.pair, "md", pseudonymize=True, on=NOW.date())
    assert "ana" in named and "souza" in named
    assert "ana" not in hidden and "souza" not in hidden and hidden.startswith("pairjournal-pair-")
    prepared = export.prepare(journal, world.pair, START, END, "md", pseudonymize=True, generated=NOW)
    assert export.suggested_name(prepared) == hidden


# -- 4. pseudonyms that hold -------------------------------------------------------------------------


def _pseudonymised_text(journal: Journal, world: World, text: str, *, name: str | None = None,
                        program: str | None = None) -> tuple[str, export.Prepared]:
    pair = journal.find(world.pair.id)
    if name is not None:
        pair.name = name  # type: ignore[union-attr]
    if program is not None:
        pair.program = program  # type: ignore[union-attr]
    journal.save(pair)  # type: ignore[arg-type]
    takeaway = journal.find(world.shared_takeaway.id)
    takeaway.text = text  # type: ignore[union-attr]
    journal.save(takeaway)  # type: ignore[arg-type]
    reconsent(journal, takeaway.id)  # type: ignore[union-attr]
    prepared = export.prepare(journal, world.pair, START, END, "json", pseudonymize=True, generated=NOW)
    payload = json.loads(prepared.data)["payload"]
    return next(t["text"] for t in payload["takeaways"] if t["text"].startswith("T:")), prepared


@pytest.mark.parametrize(
    "written",
    [
        "T: asked Jose\u0301 about it",  # decomposed, as macOS input gives
        "T: asked Jose about it",  # without the accent
        "T: asked JOSÉ about it",
        "T: asked ｊｏｓé about it",  # full-width letters
        "T: asked José-Maria's team",
        "T: asked Li, then Ana-Li",
        "T: Pereira da Silva agreed",
    ],
)
def test_names_are_found_however_they_are_typed(journal: Journal, world: World, written: str) -> None:
    text, prepared = _pseudonymised_text(journal, world, written, name="José Ana-Li Pereira")
    for part in ("jos", "ana", "pereira"):
        assert part not in text.casefold(), text
    assert "Li" not in text.split() and "Li," not in text
    mine = [r for r in prepared.replacements if r.where.startswith("takeaway")]
    assert mine and all(r.stand_in.startswith("Partner-") for r in mine)


def test_everyday_words_are_replaced_only_where_capitalised(journal: Journal, world: World) -> None:
    text, prepared = _pseudonymised_text(journal, world, "T: I will plan. Will said the plan will work.",
                                         name="Will Grace")
    assert text.startswith("T: I will plan. Partner-") and text.endswith("said the plan will work.")
    (replacement,) = [r for r in prepared.replacements if r.where.startswith("takeaway")]
    assert replacement.original == "Will" and "[Will]" in replacement.context


def test_substitution_respects_word_boundaries(journal: Journal, world: World) -> None:
    text, _ = _pseudonymised_text(journal, world, "T: Anastasia and Ana met in Banana Street", name="Ana Souza")
    assert "Anastasia" in text and "Banana" in text and " Ana " not in text


def test_the_program_name_is_replaced(journal: Journal, world: World) -> None:
    text, prepared = _pseudonymised_text(journal, world, "T: the reverse mentoring 2025 launch went well",
                                         program="Reverse Mentoring 2025")
    assert "mentoring 2025" not in text.casefold() and "Program-" in text
    assert "Reverse Mentoring" not in prepared.text
    assert json.loads(prepared.data)["payload"]["pair"]["program"].startswith("Program-")


def test_pseudonymised_and_named_exports_share_no_item_id(journal: Journal, world: World) -> None:
    def ids(data: bytes) -> set[str]:
        payload = json.loads(data)["payload"]
        found = {t["id"] for t in payload["takeaways"]} | {a["id"] for a in payload["action_items"]}
        for o in payload["objectives"]:
            found |= {o["id"], *(p["id"] for p in o["progress"])}
        return found

    named = ids(export.prepare(journal, world.pair, START, END, "json", generated=NOW).data)
    first = ids(export.prepare(journal, world.pair, START, END, "json", pseudonymize=True, generated=NOW).data)
    second = ids(export.prepare(journal, world.pair, START, END, "json", pseudonymize=True, generated=NOW).data)
    assert len(named) == len(first) == 5
    assert not named & first and not first & second
    for fmt, data in _every_format(journal, world, pseudonymize=True).items():
        for real in named:
            assert real[:12].encode() not in data, fmt


def test_the_preview_marks_every_replacement(journal: Journal, world: World) -> None:
    from pairjournal.tui.presenters import describe_export as describe

    _, prepared = _pseudonymised_text(journal, world, "T: Ana told Carla about Souza's idea")
    shown = describe(prepared)
    assert "5 names replaced" in shown  # three in the takeaway, one in the action's evidence, one in the recognition
    for original in ("“Ana”", "“Carla”", "“Souza”"):
        assert original in shown


# -- 11. never over the journal ------------------------------------------------------------------------


@pytest.mark.parametrize("target", ["journal", "wal", "shm", "lock", "backups", "link"])
@pytest.mark.parametrize("args", [("--pair", "Ana", "--format", "md"), ("--all", "--plaintext", "--format", "json")])
def test_no_export_lands_on_the_journal(journal: Journal, world: World, cli: Callable[..., object],
                                        target: str, args: tuple[str, ...]) -> None:
    journal.close()
    path = journal.path
    dest = {
        "journal": path,
        "wal": Path(f"{path}-wal"),
        "shm": Path(f"{path}-shm"),
        "lock": path.with_name(path.name + ".lock"),
        "backups": path.with_name(path.name + ".backups") / "mine.md",
        "link": path.parent / "innocent.md",
    }[target]
    if target == "link":
        dest.symlink_to(path)
    if target == "backups":
        dest.parent.mkdir(exist_ok=True)
    before = path.read_bytes()
    result = cli("export", *args, "--out", str(dest), "--force")
    assert result.exit_code == 2, result.stderr  # type: ignore[attr-defined]
    assert len(result.stderr.strip().splitlines()) == 1  # type: ignore[attr-defined]
    assert path.read_bytes() == before
    with Journal.open(path, PASSPHRASE) as reopened:
        assert reopened.all(__import__("pairjournal.model", fromlist=["Disclosure"]).Disclosure) == []


def test_no_backup_lands_on_the_journal(journal: Journal, cli: Callable[..., object]) -> None:
    journal.close()
    before = journal.path.read_bytes()
    for dest in (journal.path, Path(f"{journal.path}-wal")):
        result = cli("backup", str(dest))
        assert result.exit_code != 0
    assert journal.path.read_bytes() == before


# -- the consent status is shown in every view -----------------------------------------------------------


async def test_the_interface_says_changed_since_consent(journal: Journal, world: World) -> None:
    from pairjournal.tui.screens.detail import DetailScreen, RecordDetail
    from test_sharing_screens import Host

    takeaway = journal.find(world.shared_takeaway.id)
    assert takeaway is not None
    takeaway.text = "edited after consent"  # type: ignore[union-attr]
    journal.save(takeaway)
    app = Host(journal, lambda: DetailScreen(takeaway.id))
    async with app.run_test(size=(100, 34)) as pilot:
        await pilot.pause()
        shown = app.screen.query_one(RecordDetail).plain
        assert "coordinator, changed since consent" in shown
        assert "what would leave changed after consent was given" in shown


def test_progress_entries_bind_consent_to_rating_and_evidence(journal: Journal, world: World) -> None:
    entry = journal.find(world.shared_progress.id)
    assert isinstance(entry, ObjectiveProgress)
    entry.rating = 5
    journal.save(entry)
    assert consent.status(journal, entry) is ConsentStatus.CHANGED
    payload = json.loads(_every_format(journal, world)["json"])["payload"]
    assert all(p["id"] != entry.id for o in payload["objectives"] for p in o["progress"])


def test_sharing_listings_show_terminal_escapes_inertly(journal: Journal, world: World,
                                                         cli: Callable[..., object], tmp_path: Path) -> None:
    hostile = "T: \x1b]0;pwned\x07\x1b[2J cleared"
    takeaway = journal.find(world.shared_takeaway.id)
    takeaway.text = hostile  # type: ignore[union-attr]
    journal.save(takeaway)  # type: ignore[arg-type]
    reconsent(journal, world.shared_takeaway.id)
    journal.close()
    assert cli("export", "--pair", "Ana", "--from", "2025-01-01", "--to", "2025-06-30", "--format", "json",
               "--out", str(tmp_path / "e.json")).exit_code == 0  # type: ignore[attr-defined]
    for args in (("consent", "list"), ("consent", "show", world.shared_takeaway.id[:8]),
                 ("disclosures", "show", "1"), ("consent", "list", "--json")):
        result = cli(*args)
        assert result.exit_code == 0, (args, result.stderr)  # type: ignore[attr-defined]
        assert "\x1b" not in result.stdout and "\x07" not in result.stdout, args  # type: ignore[attr-defined]
    assert "\\x1b" in cli("consent", "show", world.shared_takeaway.id[:8]).stdout  # type: ignore[attr-defined]


# -- found in review: consent is for one pair and one recipient --------------------------------------


def test_an_item_moved_to_another_pair_needs_consent_again(journal: Journal, world: World) -> None:
    other = journal.add_pair("Bruno Lima", "mentor", coordinator="Other Coordinator")
    takeaway = journal.find(world.shared_takeaway.id)
    takeaway.pair_id = other.id  # type: ignore[union-attr]
    journal.save(takeaway)  # type: ignore[arg-type]
    assert consent.status(journal, takeaway) is ConsentStatus.CHANGED  # type: ignore[arg-type]
    data = export.prepare(journal, other, START, END, "json", generated=NOW).data
    assert b"SHARED-TAKEAWAY" not in data


def test_a_new_coordinator_needs_consent_again(journal: Journal, world: World) -> None:
    pair = journal.find(world.pair.id)
    pair.coordinator = "Someone New"  # type: ignore[union-attr]
    journal.save(pair)  # type: ignore[arg-type]
    for item in (world.shared_takeaway, world.shared_action, world.shared_progress):
        assert consent.status(journal, item) is ConsentStatus.CHANGED
    _assert_absent(journal, world, "SHARED-TAKEAWAY", "SHARED-ACTION", "SHARED-PROGRESS", "SHARED-OUTCOME")


@pytest.mark.parametrize(
    "name,written,gone",
    [
        ("Işık Yılmaz", "T: IŞIK and Isik, Yilmaz and ışık", ("ışık", "isik", "yilmaz", "yılmaz")),
        ("王小明", "T: 今天王小明说了", ("王小明",)),
        ("山田 太郎", "T: 山田さんと話した", ("山田",)),
        ("김민수", "T: 민수는 김민수가", ("민수", "김민수")),
        ("علي محمد", "T: قال وعلي ولمحمد ومحـمد", ("علي", "محمد", "محـمد")),
        ("Ana Souza", "T: #AnaSouza AnaSouza's /users/anasouza/ Ana\u00adSouza Ana\u3164Souza", ("ana", "souza")),
        ("Mary-Jane O'Brien", "T: MaryJane maryjane OBrien obrien@x.org O\u2019Brien", ("mary", "jane", "brien")),
        ("Ana\u200bSouza", "T: Ana Souza came", ("ana", "souza")),
    ],
)
def test_names_in_every_script_and_shape_are_replaced(journal: Journal, world: World, name: str, written: str,
                                                      gone: tuple[str, ...]) -> None:
    text, _ = _pseudonymised_text(journal, world, written, name=name)
    for part in gone:
        assert part.casefold() not in text.casefold(), (text, part)
    assert "Partner-" in text


@pytest.mark.parametrize("suffix", ["-WAL", "-Shm", ".LOCK", ".BACKUPS/x.md"])
def test_a_journal_file_named_in_another_case_is_refused(journal: Journal, world: World,
                                                         cli: Callable[..., object], suffix: str) -> None:
    """On a case-insensitive disk (macOS by default) these names are the journal's own files."""
    journal.close()
    dest = journal.path.parent / (journal.path.name.upper() + suffix)
    dest.parent.mkdir(parents=True, exist_ok=True)
    result = cli("export", "--pair", "Ana", "--format", "md", "--out", str(dest))
    assert result.exit_code == 2 and "one of its own files" in result.stderr  # type: ignore[attr-defined]
