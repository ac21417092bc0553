"""A small app that hosts one journal screen for pilot and snapshot tests.

It holds a real, unlocked Journal as ``app.journal`` and a fixed ``app.today()``,
just as the real app does, turns cursor blinking off so snapshots are stable,
and can announce an outside change the way the real app does after the CLI
wrote to the file: ``journal.refresh()``, then ``JournalChanged`` to the screen.

Run it by hand to look at a screen (a throwaway journal in a temp folder):
    PYTHONPATH=src:tests python tests/tui_host.py actions
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from textual import events
from textual.app import App
from textual.screen import Screen

from pairjournal.journal import Journal, KdfParams
from pairjournal.model import Objective
from pairjournal.tui.messages import JournalChanged

TODAY = date(2026, 3, 18)  # a Wednesday: "this week" runs 16-22 March


def at(day: str, hour: int = 9) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


class HostApp(App[None]):
    """Satisfies pairjournal.tui.seam.JournalHost, as the real app does."""

    TITLE = "pairjournal"

    def __init__(self, journal: Journal, make_screen: Callable[[], Screen[Any]], today: date = TODAY) -> None:
        super().__init__()
        self.journal: Journal | None = journal
        self.fixed_today = today
        self.make_screen = make_screen
        self.animation_level = "none"  # no scrolling animations to wait for
        self.selected_pair_id: str | None = None
        self.kdf: KdfParams | None = KdfParams.cheap()
        self.clock: Callable[[], float] = lambda: 0.0

    def today(self) -> date:
        return self.fixed_today

    def now(self) -> datetime:
        return at(self.fixed_today.isoformat())

    # -- the rest of the seam, as small as a host of one screen needs ---------------------------

    def open_destination(self, name: str, *, pair_id: str | None = None, **extra: Any) -> bool:
        from pairjournal.tui.screens import make_screen

        self.push_screen(make_screen(name, pair_id=pair_id or self.selected_pair_id, **extra))
        return True

    def start_session(self, pair_id: str | None = None) -> bool:
        from pairjournal.tui.screens.session import SessionScreen

        pair_id = pair_id or self.selected_pair_id
        if pair_id is None:
            return False
        self.push_screen(SessionScreen(pair_id))
        return True

    def go_home(self) -> None:
        while len(self.screen_stack) > 2:  # the default screen, then the hosted one
            self.pop_screen()

    async def lock(self, notice: str = "") -> None:
        self.exit()  # a host without a gate has nothing to lock to

    def attach_journal(self, journal: Journal) -> None:
        self.journal = journal

    async def enter_journal(self) -> None:
        pass

    def note_activity(self) -> None:
        pass

    def save_autolock(self, minutes: int) -> None:
        assert self.journal is not None
        self.journal.save_settings(autolock_minutes=minutes)

    def apply_theme(self, name: str) -> bool:
        if name in self.available_themes:
            self.theme = name
            return True
        return False

    def on_mount(self) -> None:
        self.push_screen(self.make_screen())

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        if hasattr(event.widget, "cursor_blink"):
            event.widget.cursor_blink = False  # type: ignore[attr-defined]

    def announce_outside_change(self) -> None:
        assert self.journal is not None
        changed = self.journal.refresh()
        self.screen.post_message(JournalChanged(frozenset(changed), external=True))


def _stamp(journal: Journal, entity: Any, day: str) -> Any:
    entity.created = at(day)
    return journal.save(entity)


def seed(journal: Journal) -> dict[str, Any]:
    """A small, fixed journal: two pairs, two agreement versions, sessions, actions, reflections."""
    alex = _stamp(journal, journal.add_pair("Alex", "mentee", cadence="biweekly", minutes=30,
                                            program="Digital Fluency 2026", coordinator="Sam Okafor",
                                            start=date(2026, 1, 12)), "2026-01-12")
    priya = _stamp(journal, journal.add_pair("Priya", "mentor", cadence="monthly", minutes=45,
                                             program="Cross-generation circle", start=date(2026, 2, 2)), "2026-02-02")
    v1 = journal.new_agreement_version(
        alex.id,
        objectives=[
            Objective(outcome="Draft my weekly team update with an AI assistant", evidence="Three updates sent",
                      timebox=date(2026, 4, 30), id="obj00001"),
            Objective(outcome="Run one meeting with a shared live document", evidence="Team feedback in retro",
                      timebox=date(2026, 5, 31), id="obj00002"),
        ],
        confidentiality="What we say stays between us unless we both agree to share it.",
        scope="Digital tools and how younger colleagues see our products. Not career coaching for Alex.",
        scheduling="Every other Monday, 8:30, moved with a day's notice.",
        feedback_norms="Direct, specific, and asked for first.",
        repair_routine="Pause, name the impact, share what we meant, recommit.",
        review_date=date(2026, 4, 13),
    )
    journal.acknowledge(v1, me=date(2026, 1, 12), partner=date(2026, 1, 13))
    _stamp(journal, v1, "2026-01-12")
    v2 = journal.new_agreement_version(
        alex.id,
        objectives=[*v1.objectives, Objective(outcome="Set up two-factor sign-in on every work account",
                                              evidence="Checklist done together", id="obj00003")],
        confidentiality="What we say stays between us; takeaways marked for the coordinator need both of us.",
    )
    journal.acknowledge(v2, me=date(2026, 2, 21))
    _stamp(journal, v2, "2026-02-20")

    s1 = _stamp(journal, journal.add_session(alex.id, on=date(2026, 2, 2), minutes=32,
                                             notes="Alex showed me the notes assistant."), "2026-02-02")
    s2 = _stamp(journal, journal.add_session(alex.id, on=date(2026, 2, 16), minutes=28,
                                             notes="Talked about how the new joiners use chat instead of email."),
                "2026-02-16")
    _stamp(journal, journal.add_takeaway(alex.id, "Ask for the why before proposing a tool", session_id=s1.id),
           "2026-02-02")
    _stamp(journal, journal.add_takeaway(alex.id, "New joiners read chat first, email last", session_id=s2.id,
                                         scope="partner"), "2026-02-16")

    actions = {
        "overdue": _stamp(journal, journal.add_action(alex.id, "Try the meeting-notes assistant on Monday's stand-up",
                                                      due=date(2026, 3, 10), session_id=s2.id), "2026-02-16"),
        "week": _stamp(journal, journal.add_action(alex.id, "Send the customer-feedback dashboard link",
                                                   owner="partner", due=date(2026, 3, 20)), "2026-02-16"),
        "later": _stamp(journal, journal.add_action(alex.id, "Go through the security-habits checklist together",
                                                    owner="both", due=date(2026, 4, 1)), "2026-02-16"),
        "priya": _stamp(journal, journal.add_action(priya.id, "Introduce Priya to the platform team lead",
                                                    due=date(2026, 3, 25)), "2026-02-03"),
    }
    done = journal.complete_action(
        journal.add_action(alex.id, "Draft a one-page note on prompt hygiene", due=date(2026, 2, 27)).id,
        evidence="Shared it in the leads channel", on=date(2026, 2, 26))
    actions["done"] = _stamp(journal, done, "2026-02-02")
    dropped = journal.drop_action(journal.add_action(alex.id, "Book a demo of the old intranet search").id)
    actions["dropped"] = _stamp(journal, dropped, "2026-02-02")

    answer = _stamp(journal, journal.add_reflection(
        "Probably yes. I dismissed the chat-first idea too fast because it came from someone new.",
        prompt_id="leader-02", pair_id=alex.id), "2026-03-05")
    free = _stamp(journal, journal.add_reflection("Felt rushed today; next time I will leave the laptop closed.",
                                                  pair_id=alex.id), "2026-03-12")
    custom = _stamp(journal, journal.add_prompt("What did I notice about how my team reacted this week?",
                                                timing="between"), "2026-03-01")
    return {"alex": alex, "priya": priya, "v1": v1, "v2": v2, "sessions": [s1, s2], "actions": actions,
            "answer": answer, "free": free, "custom": custom}


def screen_factory(name: str, data: dict[str, Any]) -> Callable[[], Screen[Any]]:
    from pairjournal.tui.screens.actions import ActionsScreen
    from pairjournal.tui.screens.agreement import AgreementScreen
    from pairjournal.tui.screens.detail import DetailScreen
    from pairjournal.tui.screens.reflections import ReflectionsScreen
    from pairjournal.tui.screens.search import SearchScreen

    factories: dict[str, Callable[[], Screen[Any]]] = {
        "agreement": lambda: AgreementScreen(data["alex"].id),
        "actions": lambda: ActionsScreen(),
        "reflections": lambda: ReflectionsScreen(),
        "search": lambda: SearchScreen("chat"),
        "session": lambda: DetailScreen(data["sessions"][1].id),
    }
    return factories[name]


if __name__ == "__main__":
    import sys
    import tempfile
    from pathlib import Path

    from pairjournal.vault.crypto import KdfParams

    with tempfile.TemporaryDirectory() as folder:
        journal = Journal.create(Path(folder) / "demo.pairjournal", "demo passphrase", KdfParams.cheap())
        data = seed(journal)
        HostApp(journal, screen_factory(sys.argv[1] if len(sys.argv) > 1 else "actions", data)).run()
        journal.close()
