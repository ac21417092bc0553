"""The domain words (docs/ARCHITECTURE.md, README) as msgspec Structs and enums. No I/O here.

Every stored entity has an ``id`` (32 hex characters, random, opaque) and a
``KIND`` naming it inside its sealed payload. Conversion to and from payloads
lives in journal/codec.py, in one place.
"""

from __future__ import annotations

import dataclasses
import secrets
from datetime import UTC, date, datetime
from enum import Enum, StrEnum
from typing import Any, ClassVar

import msgspec

from pairjournal.errors import UsageError

# -- what the journal accepts -------------------------------------------------------------
#
# One range for every date and date-time the journal keeps, and one bound for every
# whole number, checked before anything is stored (Journal.save), so that no stored
# value can break a later command: a session dated 9999-12-31 would make "next
# session due" overflow on every listing after it. The range covers any real
# mentoring journal, its imports (notes from decades ago) and its plans.

MIN_DATE = date(1900, 1, 1)
MAX_DATE = date(2199, 12, 31)
# Minutes, ratings, versions, sequence numbers: far below this, and far below
# where JSON readers (or SQLite's 64-bit integers) stop being exact.
MAX_NUMBER = 2**31 - 1


class DateOutOfRange(UsageError):
    """A date outside MIN_DATE..MAX_DATE: refused with exit 2, never stored."""


def date_range_text() -> str:
    return f"{MIN_DATE.isoformat()} to {MAX_DATE.isoformat()}"


def check_date(value: date, what: str = "the date") -> date:
    """value, or DateOutOfRange when it is outside the journal's range."""
    day = value.date() if isinstance(value, datetime) else value
    if not MIN_DATE <= day <= MAX_DATE:
        raise DateOutOfRange(f"{what} {day.isoformat()} is outside the dates pairjournal keeps ({date_range_text()})")
    return value


def check_moment(value: datetime, what: str = "the time") -> datetime:
    """A date-time in range (judged by its own calendar date)."""
    check_date(value, what)
    return value


def check_number(value: int, what: str = "the number", low: int = -MAX_NUMBER, high: int = MAX_NUMBER) -> int:
    if not low <= value <= high:
        raise UsageError(f"{what} must be between {low} and {high}")
    return value


def check_text(value: str, what: str = "the text") -> str:
    """Text that can be stored: valid Unicode (a lone surrogate, which is what Python
    makes of bytes that are not UTF-8 in a file name or argument, cannot be written)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise UsageError(
            f"{what} holds a character that is not valid Unicode ({value[exc.start]!r} at position {exc.start}); "
            "was it typed or read in another encoding than UTF-8?"
        ) from None
    return value


def check_values(entity: Any) -> None:
    """Every date, number and text of an entity (nested objects included) within the rules above.

    Raises UsageError naming the field. Journal.save calls it for every write, so the
    rules hold whichever way a value came in: the CLI, the interface, an import, sharing.
    """
    _check_value(entity, "")


# Each record class's field names, looked up once per class: finding them on every object was
# most of a save's checking (a live session carries hundreds of agenda items, saved as it is typed).
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _check_value(value: Any, where: str) -> None:
    names = _FIELD_NAMES.get(value.__class__)
    if names is not None:  # a record class seen before (a live session's agenda holds hundreds): no isinstance chain
        _check_fields(value, names, where)
    elif isinstance(value, str):  # the commonest, first
        if not value.isascii():  # ASCII is valid UTF-8: only other text can hold a lone surrogate
            check_text(value, where)
    elif value is None or isinstance(value, (bool, Enum)):
        return
    elif isinstance(value, int):
        check_number(value, where)
    elif isinstance(value, date):  # datetime included
        check_date(value, where)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _check_value(item, where)
    elif isinstance(value, msgspec.Struct):
        names = _FIELD_NAMES[value.__class__] = value.__struct_fields__
        _check_fields(value, names, where)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):  # an importer's entry, say
        names = _FIELD_NAMES[value.__class__] = tuple(f.name for f in dataclasses.fields(value))
        _check_fields(value, names, where)


def _check_fields(value: Any, names: tuple[str, ...], where: str) -> None:
    for name in names:
        item = getattr(value, name)
        if item is None or item.__class__ is bool or (item.__class__ is str and item.isascii()):
            continue  # nothing to check, and no path to spell out for it
        _check_value(item, f"{where}.{name}" if where else name)


def new_id() -> str:
    return secrets.token_hex(16)


def now() -> datetime:
    """Local wall-clock time with its offset, to the second."""
    return datetime.now(UTC).astimezone().replace(microsecond=0)


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


class Record(msgspec.Struct, kw_only=True, gc=False):
    """What every kept value is made of: the entities and everything they hold.

    msgspec Structs rather than dataclasses, because unlocking decodes every record
    into them: msgspec builds a Struct in about half the time it takes to build a
    slotted dataclass. gc=False: records hold only values, lists and other records,
    never a cycle, so the collector need not track the hundreds of thousands an
    unlock makes (16 bytes less each, and no collection walks them). Change fields
    with msgspec.structs.replace; their names are in ``__struct_fields__``.
    """


class Consent(Record, kw_only=True):
    """One consent to share an item with the coordinator, bound to the exact content it was given for.

    ``sha256`` is the digest of the item's outbound content (journal/outbound.py)
    at the moment of consent; any later change to what would leave makes it stale.
    An empty digest is a consent recorded before consent was bound to content:
    it covers nothing and must be given again.
    """

    given_on: date
    how: str = "in person"
    sha256: str = ""
    # A consent the partner signed (docs/EXCHANGE.md, "Receipts"); None: recorded by the author.
    receipt: Receipt | None = None


class Receipt(Record, kw_only=True):
    """The partner's Ed25519 signature over a canonical consent statement (sharing/receipts.py).

    ``statement`` is the canonical JSON that was signed (item id, content hash, the
    author's fingerprint, the coordinator, the date); ``public_key`` and ``signature``
    are standard base64 of the raw 32-byte key and the 64-byte signature.
    """

    statement: str
    public_key: str
    signature: str


class Withdrawal(Record, kw_only=True):
    """A withdrawn consent; after_export records whether it came too late for a file."""

    on: date
    after_export: bool = False


class Consentable(Record, kw_only=True):
    """What every item that can be disclosed to the coordinator carries: its scope and both consents.

    My consent is recorded when I share the item with the coordinator, the
    partner's when they agree; each is bound to the content it was given for.
    Whether they still cover the item is decided in one place, journal/outbound.py.
    """

    scope: ShareScope = ShareScope.PRIVATE
    my_consent: Consent | None = None
    partner_consent: Consent | None = None
    withdrawals: list[Withdrawal] = msgspec.field(default_factory=list)
    # The content hash the partner last declined in a bundle ("" when none).
    declined_sha256: str = ""


class Shareable(Consentable, kw_only=True):
    """A consentable item that may carry a separate coordinator-facing wording."""

    coordinator_text: str = ""


class AgendaItem(Record, kw_only=True):
    text: str
    done: bool = False
    # Made at the start from an open action: the next start makes it again while the action is open.
    follow_up: bool = False


class Pause(Record, kw_only=True):
    """A stretch when the pair did not meet on purpose: sessions are not expected in it."""

    start: date
    end: date | None = None  # still paused while None


class Pair(Record, kw_only=True):
    """One mentoring pair: the partner, my role, the program, and its life from start to end.

    `cadence` and `minutes` are what the pair was set up with; once the pair has an
    agreement, the current version's cadence and length are the ones that count
    (journal.pairs: cadence_of, minutes_of). `pauses` are the stretches when no
    sessions were expected; `next_agenda` what either of us wants to raise next time.
    """

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
    ended_on: date | None = None
    pauses: list[Pause] = msgspec.field(default_factory=list)
    next_agenda: list[AgendaItem] = msgspec.field(default_factory=list)
    created: datetime = msgspec.field(default_factory=now)
    id: str = msgspec.field(default_factory=new_id)

    @property
    def partner_role(self) -> Role:
        return Role.MENTEE if self.role is Role.MENTOR else Role.MENTOR


class Objective(Consentable, kw_only=True):
    """An observable outcome the pair is working towards; shared with the coordinator like an item."""

    outcome: str
    evidence: str = ""
    timebox: date | None = None
    id: str = msgspec.field(default_factory=lambda: secrets.token_hex(4))


class Agreement(Record, kw_only=True):
    """One version of a pair's charter. New versions are new records; none is overwritten."""

    KIND: ClassVar[str] = "agreement"
    pair_id: str
    version: int = 1
    objectives: list[Objective] = msgspec.field(default_factory=list)
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
    # Signed acknowledgements of this version's hash (journal/charter.py, docs/EXCHANGE.md): base64
    # Ed25519 signatures, mine and the linked partner's; empty when recorded without a signature.
    my_signature: str = ""
    partner_signature: str = ""
    # True when this version came from the partner in a bundle (they proposed it).
    from_partner: bool = False
    created: datetime = msgspec.field(default_factory=now)
    id: str = msgspec.field(default_factory=new_id)


class Session(Record, kw_only=True):
    KIND: ClassVar[str] = "session"
    pair_id: str
    date: date
    planned_minutes: int = 30
    actual_minutes: int | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    agenda: list[AgendaItem] = msgspec.field(default_factory=list)
    checkin_mood: str = ""
    checkin_note: str = ""
    notes: str = ""
    objective_ids: list[str] = msgspec.field(default_factory=list)
    created: datetime = msgspec.field(default_factory=now)
    id: str = msgspec.field(default_factory=new_id)

    @property
    def live(self) -> bool:
        return self.started_at is not None and self.ended_at is None


class Takeaway(Shareable, kw_only=True):
    KIND: ClassVar[str] = "takeaway"
    pair_id: str
    text: str
    session_id: str | None = None
    created: datetime = msgspec.field(default_factory=now)
    id: str = msgspec.field(default_factory=new_id)


class ActionItem(Shareable, kw_only=True):
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
    created: datetime = msgspec.field(default_factory=now)
    id: str = msgspec.field(default_factory=new_id)


class ProgressLevel(StrEnum):
    """The scale progress on an objective is rated on."""

    NOT_STARTED = "not-started"
    EMERGING = "emerging"
    PROGRESSING = "progressing"
    ACHIEVED = "achieved"

    @property
    def label(self) -> str:
        return self.value.replace("-", " ")


class ObjectiveProgress(Shareable, kw_only=True):
    """Where an objective stands on a day, with the evidence for it.

    `level` is the rating on the stated scale. Entries written before that scale
    carry only `rating`, 1 to 5 (level None): journal.items.progress_level reads
    them onto the scale.
    """

    KIND: ClassVar[str] = "progress"
    pair_id: str
    objective_id: str
    on: date | None = None
    level: ProgressLevel | None = None
    rating: int = 0
    evidence: str = ""
    created: datetime = msgspec.field(default_factory=now)
    id: str = msgspec.field(default_factory=new_id)


class Recognition(Shareable, kw_only=True):
    """The mentee's written recognition of what the mentor contributed: shareable with consent."""

    KIND: ClassVar[str] = "recognition"
    pair_id: str
    text: str
    created: datetime = msgspec.field(default_factory=now)
    id: str = msgspec.field(default_factory=new_id)


class Reflection(Record, kw_only=True):
    KIND: ClassVar[str] = "reflection"
    text: str
    prompt_id: str | None = None
    pair_id: str | None = None
    title: str = ""
    tags: list[str] = msgspec.field(default_factory=list)
    starred: bool = False
    source: str = ""
    created: datetime = msgspec.field(default_factory=now)
    id: str = msgspec.field(default_factory=new_id)


class Prompt(Record, kw_only=True):
    """A reflection prompt: built-in ones live in code, the user's own are stored."""

    KIND: ClassVar[str] = "prompt"
    text: str
    category: PromptCategory = PromptCategory.CUSTOM
    timing: PromptTiming = PromptTiming.ANY
    for_role: Role | None = None
    builtin: bool = False
    created: datetime = msgspec.field(default_factory=now)
    id: str = msgspec.field(default_factory=new_id)


class Settings(Record, kw_only=True):
    """The user's preferences, stored sealed like everything else."""

    KIND: ClassVar[str] = "settings"
    theme: str = "pairjournal-dark"
    autolock_minutes: int = 5
    id: str = msgspec.field(default_factory=new_id)


class SigningKey(Record, kw_only=True):
    """The journal's Ed25519 key for signing exports; it exists only inside the sealed vault.

    The disclosure log's head (its last sequence number and hash) is kept here too,
    so removing the newest log entry is detected as surely as removing an older one.
    """

    KIND: ClassVar[str] = "signing-key"
    private_key: str
    log_seq: int = 0
    log_head: str = ""
    created: datetime = msgspec.field(default_factory=now)
    id: str = msgspec.field(default_factory=new_id)


class DisclosedItem(Record, kw_only=True):
    """One item that left in an export: its kind, id and the SHA-256 of what was exported.

    From log version 2 on, ``entry`` is the exported item itself (canonical JSON,
    names and ids as the file shows them) and ``exported_id`` the id the file gave it.
    """

    kind: str
    id: str
    sha256: str
    exported_id: str = ""
    entry: str = ""


class DeliveryStatus(StrEnum):
    DELIVERED = "delivered"
    FAILED = "failed"


class Disclosure(Record, kw_only=True):
    """One export, as an entry of the hash-chained disclosure log.

    ``version`` is the log entry's layout: 1 before entries recorded their delivery
    and the exported text, 2 since. The hash covers exactly the fields of its version.
    """

    KIND: ClassVar[str] = "disclosure"
    seq: int
    when: datetime
    recipient: str
    pair_id: str
    period_from: date
    period_to: date
    format: str
    pseudonymized: bool = False
    items: list[DisclosedItem] = msgspec.field(default_factory=list)
    file_sha256: str = ""
    file_name: str = ""
    signer: str = ""
    prev_hash: str = ""
    hash: str = ""
    version: int = 1
    status: DeliveryStatus = DeliveryStatus.DELIVERED
    failure: str = ""
    id: str = msgspec.field(default_factory=new_id)


class ExchangeIdentity(Record, kw_only=True):
    """The journal's encryption identity (age, X25519) and the name its card shows; sealed like the signing key.

    ``age_secret`` is the age secret key as age writes it (``AGE-SECRET-KEY-1...``).
    """

    KIND: ClassVar[str] = "exchange-identity"
    age_secret: str
    name: str = ""
    created: datetime = msgspec.field(default_factory=now)
    id: str = msgspec.field(default_factory=new_id)


class PartnerKeys(Record, kw_only=True):
    """A partner's card as pinned: the name it gave, both public keys, and their fingerprint."""

    name: str
    signing_key: str  # base64 of the raw 32-byte Ed25519 public key
    age_recipient: str  # age1...
    fingerprint: str


class Relink(Record, kw_only=True):
    """A partner's keys replaced by a new card, confirmed by the person: kept for the record."""

    on: date
    old_fingerprint: str
    new_fingerprint: str
    verified: bool = False


class SentEntry(Record, kw_only=True):
    """One entry a bundle carried: its key, the digest of what it said, and the first bundle that said it."""

    key: str
    sha256: str
    seq: int


class PartnerLink(Record, kw_only=True):
    """A pair linked to the partner's journal: their pinned keys and the bundle sequence numbers."""

    KIND: ClassVar[str] = "partner-link"
    pair_id: str
    partner: PartnerKeys
    verified: bool = False  # the fingerprint was compared with the partner directly
    linked_on: date | None = None
    relinks: list[Relink] = msgspec.field(default_factory=list)
    out_seq: int = 0  # the number of my newest bundle
    in_seq: int = 0  # the number of the partner's newest bundle applied here
    confirmed_seq: int = 0  # the newest of my bundles the partner said they applied
    sent: list[SentEntry] = msgspec.field(default_factory=list)
    created: datetime = msgspec.field(default_factory=now)
    id: str = msgspec.field(default_factory=new_id)


class PartnerItem(Record, kw_only=True):
    """An item the partner shared with me, as their last bundle said it: theirs, read-only here.

    ``item_id`` is its id in the partner's journal; ``owner`` is as they wrote it
    (``me`` is the partner). Never part of anything I export.
    """

    KIND: ClassVar[str] = "partner-item"
    pair_id: str
    item_id: str
    kind: str  # takeaway, action, progress, recognition
    text: str = ""
    on: date | None = None
    owner: str = ""
    due: date | None = None
    status: str = ""
    evidence: str = ""
    completed_on: date | None = None
    objective_id: str = ""
    level: str = ""
    for_coordinator: bool = False
    received: datetime = msgspec.field(default_factory=now)
    created: datetime = msgspec.field(default_factory=now)
    id: str = msgspec.field(default_factory=new_id)


class Decision(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"


class ConsentRequest(Record, kw_only=True):
    """The partner asks me to approve one of their items for the coordinator, in exactly these bytes.

    ``content`` is the canonical JSON of the item's outbound content (docs/EXPORT.md)
    and ``sha256`` its digest; an approval is a Receipt I sign over them.
    """

    KIND: ClassVar[str] = "consent-request"
    pair_id: str
    item_id: str
    kind: str
    content: str
    sha256: str
    author: str  # the partner's fingerprint
    coordinator: str
    received: datetime = msgspec.field(default_factory=now)
    decision: Decision = Decision.PENDING
    decided_on: date | None = None
    receipt: Receipt | None = None
    withdrawn: bool = False
    created: datetime = msgspec.field(default_factory=now)
    id: str = msgspec.field(default_factory=new_id)


Entity = (
    Pair | Agreement | Session | Takeaway | ActionItem | ObjectiveProgress | Recognition | Reflection | Prompt
    | Settings | SigningKey | Disclosure | ExchangeIdentity | PartnerLink | PartnerItem | ConsentRequest
)

ENTITY_TYPES: tuple[type[Entity], ...] = (
    Pair,
    Agreement,
    Session,
    Takeaway,
    ActionItem,
    ObjectiveProgress,
    Recognition,
    Reflection,
    Prompt,
    Settings,
    SigningKey,
    Disclosure,
    ExchangeIdentity,
    PartnerLink,
    PartnerItem,
    ConsentRequest,
)
KINDS: dict[str, type[Entity]] = {cls.KIND: cls for cls in ENTITY_TYPES}
