"""Consent rules: both consents to share, pending items, wording, withdrawal before and after an export."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from pairjournal.errors import NotFound, UsageError
from pairjournal.journal import Journal
from pairjournal.model import ShareScope, Takeaway
from pairjournal.sharing import consent, export
from pairjournal.sharing.consent import Status
from sharing_world import END, NOW, START, build


def _exported_text(journal: Journal) -> str:
    pair = journal.pair("Ana")
    return export.prepare(journal, pair, START, END, "json", generated=NOW).text


def test_private_is_the_default_and_never_leaves(journal: Journal) -> None:
    pair = journal.add_pair("Ana", "mentee")
    item = journal.add_takeaway(pair.id, "SECRET-DEFAULT")
    assert consent.status(journal, item) is Status.PRIVATE
    assert "SECRET-DEFAULT" not in export.prepare(journal, pair, START, date.today(), "md").text


def test_marked_for_the_coordinator_without_partner_consent_is_pending(journal: Journal) -> None:
    world = build(journal)
    item = world.pending_takeaway
    assert consent.status(journal, item) is Status.PENDING
    assert item in consent.pending(journal, world.pair.id)
    assert "SECRET-PENDING" not in _exported_text(journal)

    consent.give_consent(journal, item.id, how="by email", on=date(2025, 2, 10))
    stored = journal.get(Takeaway, item.id)
    assert consent.status(journal, stored) is Status.CONSENTED
    assert stored.partner_consent is not None
    assert (stored.partner_consent.given_on, stored.partner_consent.how) == (date(2025, 2, 10), "by email")
    assert "SECRET-PENDING" in _exported_text(journal)


def test_partner_consent_alone_is_not_enough(journal: Journal) -> None:
    world = build(journal)
    # The partner-scope takeaway has the partner's consent but not mine.
    assert world.partner_takeaway.partner_consent is not None
    assert consent.status(journal, world.partner_takeaway) is Status.PARTNER
    assert "SECRET-PARTNER-ONLY" not in _exported_text(journal)


def test_coordinator_wording_replaces_the_private_text(journal: Journal) -> None:
    world = build(journal)
    text = _exported_text(journal)
    assert "SHARED-WORDING" in text
    assert "SECRET-RAW-WORDING" not in text

    # A new wording is a change to what would leave: nothing of the item leaves until both agree again.
    consent.set_wording(journal, world.shared_takeaway.id, "SHARED-NEW-WORDING")
    text = _exported_text(journal)
    assert "SHARED-NEW-WORDING" not in text and "SHARED-TAKEAWAY" not in text
    assert consent.status(journal, world.shared_takeaway) is Status.CHANGED

    consent.share(journal, world.shared_takeaway.id, "coordinator")
    consent.give_consent(journal, world.shared_takeaway.id, how="by chat")
    text = _exported_text(journal)
    assert "SHARED-NEW-WORDING" in text
    assert "SHARED-TAKEAWAY" not in text


def test_withdrawal_before_an_export(journal: Journal) -> None:
    world = build(journal)
    item, withdrawal = consent.withdraw(journal, world.shared_takeaway.id, on=date(2025, 3, 1))
    assert withdrawal.after_export is False
    assert consent.status(journal, item) is Status.WITHDRAWN
    assert item.scope is ShareScope.PRIVATE and item.partner_consent is None
    assert "SHARED-TAKEAWAY" not in _exported_text(journal)
    # Sharing again is an explicit act, and needs the partner's consent again.
    consent.set_scope(journal, item.id, "coordinator")
    assert consent.status(journal, journal.get(Takeaway, item.id)) is Status.PENDING
    assert "SHARED-TAKEAWAY" not in _exported_text(journal)


def test_withdrawal_after_an_export_is_recorded(journal: Journal, tmp_path: Path) -> None:
    world = build(journal)
    pair = world.pair
    export.commit(journal, export.prepare(journal, pair, START, END, "md", generated=NOW), tmp_path / "a.md")
    item, withdrawal = consent.withdraw(journal, world.shared_takeaway.id, on=date(2025, 7, 1))
    assert withdrawal.after_export is True
    stored = journal.get(Takeaway, item.id)
    assert stored.withdrawals[-1].after_export is True
    state = next(s for s in consent.overview(journal) if s.id == item.id)
    assert state.withdrawn_after_export and state.exported
    later = export.prepare(journal, pair, START, END, "md", generated=NOW).text
    assert "SHARED-TAKEAWAY" not in later
    # The file already written still holds it: that is what after_export records.
    assert "SHARED-TAKEAWAY" in (tmp_path / "a.md").read_text()


def test_leaving_the_coordinator_scope_withdraws_consent(journal: Journal) -> None:
    world = build(journal)
    item = consent.set_scope(journal, world.shared_action.id, "partner", on=date(2025, 3, 3))
    assert item.partner_consent is None
    assert item.withdrawals and item.withdrawals[-1].on == date(2025, 3, 3)
    assert "SHARED-ACTION" not in _exported_text(journal)


def test_withdrawing_what_is_not_shared_is_refused(journal: Journal) -> None:
    world = build(journal)
    with pytest.raises(UsageError):
        consent.withdraw(journal, world.private_takeaway.id)


def test_consent_needs_a_how(journal: Journal) -> None:
    world = build(journal)
    with pytest.raises(UsageError):
        consent.give_consent(journal, world.pending_takeaway.id, how="   ")
    assert journal.get(Takeaway, world.pending_takeaway.id).partner_consent is None


def test_items_are_found_by_prefix_across_kinds(journal: Journal) -> None:
    world = build(journal)
    assert consent.find_item(journal, world.shared_action.id[-32:]).id == world.shared_action.id
    with pytest.raises(NotFound):
        consent.find_item(journal, "ffffffffffff")
    with pytest.raises(UsageError):
        consent.find_item(journal, "a000")  # every fixed id starts so


def test_progress_and_actions_follow_the_same_rules(journal: Journal) -> None:
    world = build(journal)
    text = _exported_text(journal)
    assert "SHARED-PROGRESS" in text and "SECRET-PROGRESS-PRIVATE" not in text
    assert "SHARED-ACTION" in text and "SECRET-ACTION" not in text
    consent.withdraw(journal, world.shared_progress.id)
    assert "SHARED-PROGRESS" not in _exported_text(journal)


# -- the CLI ---------------------------------------------------------------------------


def test_cli_share_consent_and_withdraw(journal: Journal, cli: Callable[..., object]) -> None:
    pair = journal.add_pair("Ana", "mentee")
    item = journal.add_takeaway(pair.id, "learned about group chats")
    journal.close()
    short = item.id[:8]

    result = cli("share", short, "coordinator", "--wording", "how younger staff use group chats")
    assert result.exit_code == 0, result.stderr
    assert "pending" in result.stdout

    result = cli("consent", "give", short, "--how", "in person", "--on", "2025-03-01")
    assert result.exit_code == 0, result.stderr
    assert "partner consented 2025-03-01, in person" in result.stdout

    result = cli("consent", "list", "--json")
    assert result.exit_code == 0
    assert '"status": "consented"' in result.stdout

    result = cli("consent", "withdraw", short)
    assert result.exit_code == 0, result.stderr
    assert "withdrawn" in result.stdout
    result = cli("consent", "list")
    assert "withdrawn" in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ("consent", "give", "deadbeef", "--how", "in person"),
        ("consent", "give", "{id}", "--how", ""),
        ("consent", "give", "{id}", "--how", "x", "--on", "2025-13-01"),
        ("consent", "give", "{id}"),
        ("consent", "withdraw", "{id}"),
        ("consent", "withdraw", "deadbeef"),
        ("share", "deadbeef", "coordinator"),
        ("share", "{id}", "everyone"),
        ("consent", "list", "--pair", "Nobody"),
    ],
)
def test_cli_bad_input_is_one_line_and_changes_nothing(
    journal: Journal, cli: Callable[..., object], args: tuple[str, ...]
) -> None:
    pair = journal.add_pair("Ana", "mentee")
    item = journal.add_takeaway(pair.id, "SECRET-CLI")
    journal.close()
    result = cli(*(a.replace("{id}", item.id[:8]) for a in args))
    assert result.exit_code != 0
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr and "SECRET-CLI" not in result.stderr
    again = Journal.open(journal.path, "correct horse battery staple")
    try:
        stored = again.get(Takeaway, item.id)
        assert stored.scope is ShareScope.PRIVATE and stored.partner_consent is None and not stored.withdrawals
    finally:
        again.close()
