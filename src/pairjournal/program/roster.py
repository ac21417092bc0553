"""The roster: the coordinator's plain TOML list of participants, taken from their cards.

It holds nothing private of the pairs: each participant's display name, their
signing key and its fingerprint (so exports can be matched to people), their age
recipient (as the card gave it), and the program and cohort the coordinator put
them in. A person may edit it by hand; every load checks it in full.

    # pairjournal roster ...
    [[participant]]
    name = "Ana Souza"
    fingerprint = "529f 518a a5d6 691c 2d5e f24d f2aa 5e0f"
    signing_key = "<base64 of the raw 32-byte Ed25519 public key>"
    age_recipient = "age1..."
    program = "Digital fluency"
    cohort = "2026 spring"
    added = 2026-03-01
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import tomli_w

from pairjournal.boundedio import read_bounded
from pairjournal.errors import UsageError
from pairjournal.model import PartnerKeys, check_text
from pairjournal.sharing.files import write_private
from pairjournal.sharing.signing import b64_exact, fingerprint_of

ROSTER_LIMIT = 16 * 1024 * 1024  # thousands of participants are a few hundred KB
MAX_LABEL = 200
HEADER = (
    "# pairjournal roster: the coordinator's list of participants, from their cards.\n"
    "# Each signing key was read from a card; compare its fingerprint with its owner directly.\n"
    "# Plain TOML: you may edit names, programs and cohorts; keys and fingerprints must stay as the card gave them.\n"
)
FIELDS = {"name", "fingerprint", "signing_key", "age_recipient", "program", "cohort", "added"}


@dataclass(frozen=True)
class Participant:
    name: str
    fingerprint: str
    signing_key: str
    age_recipient: str
    program: str
    cohort: str
    added: date

    @property
    def public_key(self) -> bytes:
        raw = b64_exact(self.signing_key, 32)
        assert raw is not None  # checked on load and on add
        return raw


@dataclass
class Roster:
    participants: list[Participant] = field(default_factory=list)

    def by_fingerprint(self) -> dict[str, Participant]:
        return {p.fingerprint: p for p in self.participants}

    def find(self, fingerprint: str) -> Participant | None:
        return self.by_fingerprint().get(fingerprint)


def default_path() -> Path:
    import platformdirs

    return platformdirs.user_data_path("pairjournal", appauthor=False) / "roster.toml"


def _label(value: Any, what: str, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise UsageError(f"{where}: {what} is missing or empty")
    text: str = value.strip()
    if len(text) > MAX_LABEL:
        raise UsageError(f"{where}: {what} is longer than {MAX_LABEL} characters")
    return check_text(text, what)


def _participant(entry: Any, where: str) -> Participant:
    if not isinstance(entry, dict):
        raise UsageError(f"{where} is not a table")
    unknown = set(entry) - FIELDS
    if unknown:
        raise UsageError(f"{where}: unknown field {sorted(unknown)[0]!r}")
    key = b64_exact(entry.get("signing_key"), 32)
    if key is None:
        raise UsageError(f"{where}: signing_key is not the base64 of a 32-byte key")
    if entry.get("fingerprint") != fingerprint_of(key):
        raise UsageError(f"{where}: the fingerprint is not the signing key's (was one of them edited?)")
    added = entry.get("added", date.today())
    if not isinstance(added, date):
        raise UsageError(f"{where}: added must be a date (YYYY-MM-DD)")
    recipient = entry.get("age_recipient", "")
    if not isinstance(recipient, str):
        raise UsageError(f"{where}: age_recipient must be text")
    return Participant(
        name=_label(entry.get("name"), "the name", where),
        fingerprint=fingerprint_of(key),
        signing_key=entry["signing_key"],
        age_recipient=recipient,
        program=_label(entry.get("program"), "the program", where),
        cohort=_label(entry.get("cohort"), "the cohort", where),
        added=added,
    )


def parse(data: bytes, where: str) -> Roster:
    try:
        document = tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise UsageError(f"the roster {where} is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"the roster {where} is not valid TOML ({exc})") from None
    unknown = set(document) - {"participant"}
    if unknown:
        raise UsageError(f"the roster {where} has an unknown section {sorted(unknown)[0]!r}")
    entries = document.get("participant", [])
    if not isinstance(entries, list):
        raise UsageError(f"the roster {where}: participant must be an array of tables ([[participant]])")
    roster = Roster()
    seen: set[str] = set()
    for n, entry in enumerate(entries, 1):
        person = _participant(entry, f"the roster {where}, participant {n}")
        if person.fingerprint in seen:
            raise UsageError(f"the roster {where} lists fingerprint {person.fingerprint} twice")
        seen.add(person.fingerprint)
        roster.participants.append(person)
    return roster


def load(path: Path) -> Roster:
    if not path.exists() and not path.is_symlink():
        raise UsageError(f"there is no roster at {path}: add participants' cards with `pairjournal program roster add`")
    return parse(read_bounded(path, ROSTER_LIMIT, "roster"), str(path))


def load_or_empty(path: Path) -> Roster:
    if not path.exists() and not path.is_symlink():
        return Roster()
    return load(path)


def dump(roster: Roster) -> bytes:
    entries = [
        {
            "name": p.name,
            "fingerprint": p.fingerprint,
            "signing_key": p.signing_key,
            "age_recipient": p.age_recipient,
            "program": p.program,
            "cohort": p.cohort,
            "added": p.added,
        }
        for p in sorted(roster.participants, key=lambda p: (p.program, p.cohort, p.name.casefold(), p.fingerprint))
    ]
    return (HEADER + "\n" + tomli_w.dumps({"participant": entries})).encode("utf-8")


def save(roster: Roster, path: Path) -> None:
    """Writes the whole roster in one step (never half-written), readable only by its owner."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_private(path, dump(roster), force=True)


@dataclass(frozen=True)
class Added:
    person: Participant
    new: bool


def add(roster: Roster, card: PartnerKeys, *, program: str, cohort: str, on: date | None = None) -> Added:
    """Adds one card's holder under a program and cohort; the same card again changes nothing."""
    program = _label(program, "the program", "--program")
    cohort = _label(cohort, "the cohort", "--cohort")
    existing = roster.find(card.fingerprint)
    if existing is not None:
        if (existing.program, existing.cohort) != (program, cohort):
            raise UsageError(
                f"{existing.name} ({card.fingerprint}) is already on the roster in {existing.program} / "
                f"{existing.cohort}; edit the roster file to move them"
            )
        return Added(existing, False)
    person = Participant(
        name=card.name.strip(),
        fingerprint=card.fingerprint,
        signing_key=card.signing_key,
        age_recipient=card.age_recipient,
        program=program,
        cohort=cohort,
        added=on or date.today(),
    )
    roster.participants.append(person)
    return Added(person, True)


__all__ = ["Added", "Participant", "Roster", "add", "default_path", "dump", "load", "load_or_empty", "parse", "save"]
