"""The domain words of DESIGN.md as dataclasses and enums. No I/O here.

Every stored entity has an ``id`` (32 hex characters, random, opaque) and a
``KIND`` naming it inside its sealed payload. Conversion to and from payloads
lives in journal/codec.py, in one place.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from enum import StrEnum
from typing import ClassVar


def new_id() -> str:
    return secrets.token_hex(16)


def now() -> datetime:
    """Local wall-clock time with its offset, to the second."""
    return datetime.now(timezone.utc).astimezone().replace(microsecond=0)


class Role(StrEnum):
    MENTOR = "mentor"
    MENTEE = "mentee"


class Cadence(StrEnum):
    WEEKLY = "weekly"
    BIWEEKLY = "biweekly"
    MONTHLY = "monthly"


class PairStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    ENDED = "ended"


class ShareScope(StrEnum):
    PRIVATE = "private"
    PARTNER = "partner"
    COORDINATOR = "coordinator"

    def next(self) -> ShareScope:
        order = list(ShareScope)
        return order[(order.index(self) + 1) % len(order)]


class Owner(StrEnum):
    ME = "me"
    PARTNER = "partner"
    BOTH = "both"


class ActionStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    DROPPED = "dropped"


class PromptCategory(StrEnum):
    LEADER = "leader-reflection"
    MENTOR = "mentor-growth"
    CHECK_IN = "check-in"
    LANGUAGE = "opening-language"
    REPAIR = "repair"
    REVIEW = "progress-review"
    CUSTOM = "custom"


class PromptTiming(StrEnum):
    BEFORE = "before"
    DURING = "during"
    AFTER = "after"
    BETWEEN = "between"
    ANY = "any"


@dataclass(kw_only=True, slots=True)
class Consent:
    """The partner's consent to share an item with the coordinator."""

    given_on: date
    how: str = "in person"


@dataclass(kw_only=True, slots=True)
class Withdrawal:
    """A withdrawn consent; after_export records whether it came too late for a file."""

    on: date
    after_export: bool = False


@dataclass(kw_only=True, slots=True)
class Shareable:
    """Fields shared by every item that can be disclosed to the coordinator."""

    scope: ShareScope = ShareScope.PRIVATE
    partner_consent: Consent | None = None
    coordinator_text: str = ""
    withdrawals: list[Withdrawal] = field(default_factory=list)

    @property
    def consent_complete(self) -> bool:
        return self.scope is ShareScope.COORDINATOR and self.partner_consent is not None

    @property
    def pending(self) -> bool:
        """Marked for the coordinator but still waiting for the partner's consent."""
        return self.scope is ShareScope.COORDINATOR and self.partner_consent is None


@dataclass(kw_only=True, slots=True)
class Pair:
    KIND: ClassVar[str] = "pair"
    name: str
    role: Role
    cadence: Cadence = Cadence.BIWEEKLY
    minutes: int = 30
    program: str = ""
    coordinator: str = ""
    start: date | None = None
    planned_end: date | None = None
    status: PairStatus = PairStatus.ACTIVE
    created: datetime = field(default_factory=now)
    id: str = field(default_factory=new_id)

    @property
    def partner_role(self) -> Role:
        return Role.MENTEE if self.role is Role.MENTOR else Role.MENTOR


@dataclass(kw_only=True, slots=True)
class Objective:
    """An observable outcome the pair is working towards."""

    outcome: str
    evidence: str = ""
    timebox: date | None = None
    id: str = field(default_factory=lambda: secrets.token_hex(4))


@dataclass(kw_only=True, slots=True)
class Agreement:
    """One version of a pair's charter. New versions are new records; none is overwritten."""

    KIND: ClassVar[str] = "agreement"
    pair_id: str
    version: int = 1
    objectives: list[Objective] = field(default_factory=list)
    cadence: Cadence = Cadence.BIWEEKLY
    minutes: int = 30
    confidentiality: str = ""
    scope: str = ""
    scheduling: str = ""
    feedback_norms: str = ""
    repair_routine: str = ""
    review_date: date | None = None
    my_ack: date | None = None
    partner_ack: date | None = None
    created: datetime = field(default_factory=now)
    id: str = field(default_factory=new_id)


@dataclass(kw_only=True, slots=True)
class AgendaItem:
    text: str
    done: bool = False


@dataclass(kw_only=True, slots=True)
class Session:
    KIND: ClassVar[str] = "session"
    pair_id: str
    date: date
    planned_minutes: int = 30
    actual_minutes: int | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    agenda: list[AgendaItem] = field(default_factory=list)
    checkin_mood: str = ""
    checkin_note: str = ""
    notes: str = ""
    objective_ids: list[str] = field(default_factory=list)
    created: datetime = field(default_factory=now)
    id: str = field(default_factory=new_id)

    @property
    def live(self) -> bool:
        return self.started_at is not None and self.ended_at is None


@dataclass(kw_only=True, slots=True)
class Takeaway(Shareable):
    KIND: ClassVar[str] = "takeaway"
    pair_id: str
    text: str
    session_id: str | None = None
    created: datetime = field(default_factory=now)
    id: str = field(default_factory=new_id)


@dataclass(kw_only=True, slots=True)
class ActionItem(Shareable):
    KIND: ClassVar[str] = "action"
    pair_id: str
    text: str
    owner: Owner = Owner.ME
    due: date | None = None
    status: ActionStatus = ActionStatus.OPEN
    evidence: str = ""
    session_id: str | None = None
    objective_id: str | None = None
    completed_on: date | None = None
    created: datetime = field(default_factory=now)
    id: str = field(default_factory=new_id)


@dataclass(kw_only=True, slots=True)
class ObjectiveProgress(Shareable):
    KIND: ClassVar[str] = "progress"
    pair_id: str
    objective_id: str
    on: date | None = None
    rating: int = 0
    evidence: str = ""
    created: datetime = field(default_factory=now)
    id: str = field(default_factory=new_id)


@dataclass(kw_only=True, slots=True)
class Reflection:
    KIND: ClassVar[str] = "reflection"
    text: str
    prompt_id: str | None = None
    pair_id: str | None = None
    title: str = ""
    tags: list[str] = field(default_factory=list)
    starred: bool = False
    source: str = ""
    created: datetime = field(default_factory=now)
    id: str = field(default_factory=new_id)


@dataclass(kw_only=True, slots=True)
class Prompt:
    """A reflection prompt: built-in ones live in code, the user's own are stored."""

    KIND: ClassVar[str] = "prompt"
    text: str
    category: PromptCategory = PromptCategory.CUSTOM
    timing: PromptTiming = PromptTiming.ANY
    for_role: Role | None = None
    builtin: bool = False
    created: datetime = field(default_factory=now)
    id: str = field(default_factory=new_id)


@dataclass(kw_only=True, slots=True)
class Settings:
    """The user's preferences, stored sealed like everything else."""

    KIND: ClassVar[str] = "settings"
    theme: str = "pairjournal-dark"
    autolock_minutes: int = 5
    id: str = field(default_factory=new_id)


@dataclass(kw_only=True, slots=True)
class SigningKey:
    """The journal's Ed25519 key for signing exports; it exists only inside the sealed vault.

    The disclosure log's head (its last sequence number and hash) is kept here too,
    so removing the newest log entry is detected as surely as removing an older one.
    """

    KIND: ClassVar[str] = "signing-key"
    private_key: str
    log_seq: int = 0
    log_head: str = ""
    created: datetime = field(default_factory=now)
    id: str = field(default_factory=new_id)


@dataclass(kw_only=True, slots=True)
class DisclosedItem:
    """One item that left in an export: its kind, id and the SHA-256 of what was exported."""

    kind: str
    id: str
    sha256: str


@dataclass(kw_only=True, slots=True)
class Disclosure:
    """One export, as an entry of the hash-chained disclosure log."""

    KIND: ClassVar[str] = "disclosure"
    seq: int
    when: datetime
    recipient: str
    pair_id: str
    period_from: date
    period_to: date
    format: str
    pseudonymized: bool = False
    items: list[DisclosedItem] = field(default_factory=list)
    file_sha256: str = ""
    file_name: str = ""
    signer: str = ""
    prev_hash: str = ""
    hash: str = ""
    id: str = field(default_factory=new_id)


Entity = (
    Pair | Agreement | Session | Takeaway | ActionItem | ObjectiveProgress | Reflection | Prompt | Settings
    | SigningKey | Disclosure
)

ENTITY_TYPES: tuple[type, ...] = (
    Pair,
    Agreement,
    Session,
    Takeaway,
    ActionItem,
    ObjectiveProgress,
    Reflection,
    Prompt,
    Settings,
    SigningKey,
    Disclosure,
)
KINDS: dict[str, type] = {cls.KIND: cls for cls in ENTITY_TYPES}
