"""Pseudonyms for an export: names replaced so the text names nobody, and ids nobody can link.

A pseudonymised export replaces the partner's and the coordinator's names (the
whole name and every part of it, hyphenated and short parts included) and the
program's name with stable stand-ins such as ``Partner-7f3a2c``, in every text
it carries. Matching is on whole words of the folded text (NFKC, case-folded,
accents removed), so "Jose", "JOSÉ" and a decomposed "José" all match José,
and "I will plan" is left alone for a partner called Will: a name part that is
also an everyday word is replaced only where it is capitalised (sentence
starts included), since a missed name is a leak and a replaced word only a
blemish. Every replacement is reported, so the preview can show each one.

Item ids are replaced too, by ids derived for this export alone, so a
pseudonymised export shares no id with a named one (or with another
pseudonymised one).
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import secrets
import unicodedata
from dataclasses import dataclass, field

# Name parts that are also everyday words (or name particles): replaced only when capitalised.
EVERYDAY_WORDS = frozenset(
    """
    a al amber an angel april art august autumn baker bell best bill bishop black bliss blessing bond bright
    brook brown buck cash chance charity chase chip cliff cook cooper crane crystal da dale dash dawn de dean
    del della den der destiny di do don dos das drake drew du duke earl earnest el faith field fisher fox frank
    gene gift glen gold good grace grant gray green grey guy hall harmony hazel heath hill holly honor honour
    hope hunter iris ivy jack jasmine jay job joy june justice ken king knight la lance lane le lee liberty
    lily little long lord love major mark marshal mason max may melody mercy miller min moon moore nick olive
    page park parker pat patience pearl penny porter precious price prince promise prudence rain ray rice rich
    river robin rock rose roy ruby rusty sage said sandy sharp short silver sky small smith spring star sterling
    stone storm strong sue summer sun sunny swift taylor turner unity van violet von wade walker white will
    winter wise wolf wood woods young
    """.split()
)

PARTNER, COORDINATOR, PROGRAM, PAIR = "Partner", "Coordinator", "Program", "Pair"


def fold(text: str) -> str:
    """The form names are compared in: NFKC, case-folded, without accents or invisible format characters."""
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch) and unicodedata.category(ch) != "Cf")


def _kind(ch: str) -> str:
    """'w' inside a word (letters, their combining marks, invisible joiners), 'd' digits, '' a boundary."""
    category = unicodedata.category(ch)
    if category[0] in "LM" or category == "Cf":
        return "w"
    if category == "Nd":
        return "d"
    return ""


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    text: str
    folded: str


def tokens(text: str) -> list[Token]:
    """Runs of letters (with their marks) and runs of digits; everything else separates them."""
    found: list[Token] = []
    start, kind = 0, ""
    for i, ch in enumerate(text + " "):
        k = _kind(ch) if i < len(text) else ""
        if k != kind:
            if kind:
                piece = text[start:i]
                folded = fold(piece)
                if folded:
                    found.append(Token(start, i, piece, folded))
            start, kind = i, k
    return found


def _capitalised(token: Token) -> bool:
    first = next((ch for ch in token.text if unicodedata.category(ch)[0] == "L"), "")
    return first.isupper()


@dataclass(frozen=True)
class Replacement:
    """One name replaced in one text: what the person wrote, its stand-in, and where."""

    where: str
    original: str
    stand_in: str
    context: str


@dataclass(frozen=True)
class _Pattern:
    words: tuple[str, ...]
    stand_in: str
    capitalised_only: bool


@dataclass
class Pseudonymizer:
    """Replaces names in text and ids in an export; with no secret it changes nothing."""

    secret: bytes | None
    names: list[tuple[str, str]] = field(default_factory=list)  # (real name, its stand-in)
    id_salt: bytes = b""
    replacements: list[Replacement] = field(default_factory=list)
    _patterns: list[_Pattern] = field(default_factory=list)

    @classmethod
    def for_pair(
        cls, secret: bytes | None, *, partner: str, coordinator: str, program: str, id_salt: bytes | None = None
    ) -> Pseudonymizer:
        if secret is None:
            return cls(None)
        made = cls(secret, id_salt=id_salt if id_salt is not None else secrets.token_bytes(16))
        for label, name in ((PARTNER, partner), (COORDINATOR, coordinator), (PROGRAM, program)):
            if name.strip():
                made.names.append((name, pseudonym(secret, label, name)))
        made._compile()
        return made

    @property
    def active(self) -> bool:
        return self.secret is not None

    def _compile(self) -> None:
        patterns: dict[tuple[str, ...], _Pattern] = {}
        for name, stand_in in self.names:
            words = tuple(t.folded for t in tokens(name))
            if not words:
                continue
            # The whole name, even lowercase: all of it together is a name, not a word.
            patterns.setdefault(words, _Pattern(words, stand_in, capitalised_only=False))
            if stand_in.startswith(PROGRAM):
                continue  # a program is named by its whole name; its words ("Mentoring") are not names
            for word in words:
                if word.isdigit():
                    continue
                everyday = word in EVERYDAY_WORDS
                patterns.setdefault((word,), _Pattern((word,), stand_in, capitalised_only=everyday))
        # Longest first, so "Ana Souza" becomes one stand-in rather than two.
        self._patterns = sorted(patterns.values(), key=lambda p: len(p.words), reverse=True)

    def stand_in(self, label: str, name: str) -> str:
        if self.secret is None or not name.strip():
            return name
        return pseudonym(self.secret, label, name)

    def text(self, value: str, where: str = "") -> str:
        """`value` with every name replaced; each replacement is recorded with `where` it was."""
        if self.secret is None or not value or not self._patterns:
            return value
        found = tokens(value)
        out: list[str] = []
        at = 0
        i = 0
        while i < len(found):
            match = self._match(found, i, value)
            if match is None:
                i += 1
                continue
            pattern, last = match
            start, end = found[i].start, found[last].end
            out.append(value[at:start])
            out.append(pattern.stand_in)
            self.replacements.append(
                Replacement(
                    where=where,
                    original=value[start:end],
                    stand_in=pattern.stand_in,
                    context=_context(value, start, end),
                )
            )
            at = end
            i = last + 1
        out.append(value[at:])
        return "".join(out)

    def _match(self, found: list[Token], i: int, value: str) -> tuple[_Pattern, int] | None:
        for pattern in self._patterns:
            n = len(pattern.words)
            if i + n > len(found):
                continue
            window = found[i : i + n]
            if tuple(t.folded for t in window) != pattern.words:
                continue
            # The parts of a whole name sit next to each other: only spaces, hyphens, dots or apostrophes between.
            if any(not _joins(value[a.end : b.start]) for a, b in itertools.pairwise(window)):
                continue
            if pattern.capitalised_only and not _capitalised(window[0]):
                continue
            return pattern, i + n - 1
        return None

    def export_id(self, real_id: str) -> str:
        """The id an item carries in this export: derived for this export alone when pseudonymising."""
        if self.secret is None:
            return real_id
        mac = hmac.new(self.secret, b"export-id\x00" + self.id_salt + b"\x00" + real_id.encode(), hashlib.sha256)
        return mac.hexdigest()[:32]


def _joins(between: str) -> bool:
    return 0 < len(between) <= 3 and all(ch in " -.'’\u00a0" for ch in between)


def _context(value: str, start: int, end: int, width: int = 24) -> str:
    before = " ".join(value[max(0, start - width) : start].split())
    after = " ".join(value[end : end + width].split())
    return f"…{before} [{value[start:end]}] {after}…"


def pseudonym(secret: bytes, label: str, name: str) -> str:
    """A stable stand-in for a name, e.g. "Partner-7f3a2c"; the same name always gets the same one."""
    mac = hmac.new(secret, f"{label}\x00{name.strip().casefold()}".encode(), hashlib.sha256).hexdigest()
    return f"{label}-{mac[:6]}"


__all__ = ["EVERYDAY_WORDS", "Pseudonymizer", "Replacement", "fold", "pseudonym", "tokens"]
