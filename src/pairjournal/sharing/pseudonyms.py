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


# Characters that draw nothing (or only join): zero-width spaces and joiners, the soft
# hyphen, Hangul fillers, variation selectors, the Arabic tatweel that only stretches
# a word. Inside a name they hide it from a plain comparison, so they are folded away.
_INVISIBLE = frozenset(
    [
        0x00AD, 0x034F, 0x061C, 0x0640, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x3164, 0xFEFF, 0xFFA0,
        *range(0x180B, 0x1810), *range(0x200B, 0x2010), *range(0x202A, 0x202F), *range(0x2060, 0x2070),
        *range(0xFE00, 0xFE10),
    ]
)
# Writing systems that put no spaces between words: a name in them is found anywhere, and
# a name written without a space between its parts may be mentioned by any of them.
_UNSPACED = ("CJK", "HIRAGANA", "KATAKANA", "HANGUL", "THAI", "LAO", "KHMER", "MYANMAR", "TIBETAN")
# Scripts that join short words onto the next ("and", "to", "the" in Arabic and Hebrew):
# a name in them is found inside a longer word too.
_JOINING = ("ARABIC", "HEBREW")


def _invisible(ch: str) -> bool:
    return ord(ch) in _INVISIBLE or unicodedata.category(ch) == "Cf"


def fold_char(ch: str) -> str:
    """One character as names are compared: NFKC, case-folded, no accents, nothing invisible."""
    if _invisible(ch):
        return ""
    if "\uac00" <= ch <= "\ud7a3":
        return ch  # a Hangul syllable: decomposing it would compare letters, not syllables
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", ch).casefold())
    # The Turkish dotless ı has no case-folded partner: "Işık" and "Isik" are one name.
    return "".join("i" if c == "ı" else c for c in decomposed if not unicodedata.combining(c))


def fold(text: str) -> str:
    """The form names are compared in: NFKC, case-folded, without accents or invisible characters."""
    return "".join(fold_char(ch) for ch in text)


def _kind(ch: str) -> str:
    """'w' inside a word (letters, their marks, invisible characters), 'd' digits, '' a boundary."""
    category = unicodedata.category(ch)
    if category[0] in "LM" or _invisible(ch):
        return "w"
    if category == "Nd":
        return "d"
    return ""


def _script_of(ch: str, scripts: tuple[str, ...]) -> bool:
    try:
        return unicodedata.name(ch).startswith(scripts)
    except ValueError:
        return False


def _unspaced(ch: str) -> bool:
    return _script_of(ch, _UNSPACED)


def _joining(ch: str) -> bool:
    return _script_of(ch, _JOINING)


@dataclass(frozen=True)
class Token:
    """One word of a text: where it is, what it says, and its folded form with, for each
    folded character, the index in the text of the character it came from."""

    start: int
    end: int
    text: str
    folded: str
    origin: tuple[int, ...]


def tokens(text: str) -> list[Token]:
    """Runs of letters (with their marks) and runs of digits; everything else separates them,
    and so does a change from a lower-case to a capital letter ("AnaSouza" is two words)."""
    found: list[Token] = []
    start, kind = 0, ""
    previous = ""
    for i, ch in enumerate(text + " "):
        k = _kind(ch) if i < len(text) else ""
        camel = k == "w" and kind == "w" and previous.islower() and ch.isupper()
        if k != kind or camel:
            if kind:
                _add(found, text, start, i)
            start, kind = i, k
        if not _invisible(ch):
            previous = ch
    return found


def _add(found: list[Token], text: str, start: int, end: int) -> None:
    folded: list[str] = []
    origin: list[int] = []
    for i in range(start, end):
        piece = fold_char(text[i])
        folded.append(piece)
        origin += [i] * len(piece)
    joined = "".join(folded)
    if joined:
        found.append(Token(start, end, text[start:end], joined, tuple(origin)))


def name_parts(name: str) -> list[str]:
    """The folded parts of a name as stored; an invisible character inside it separates parts."""
    visible = "".join(" " if _invisible(ch) else ch for ch in name)
    return [t.folded for t in tokens(visible)]


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
    anywhere: bool = False  # matched inside words too (scripts without spaces between words)


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

        def add(words: tuple[str, ...], stand_in: str, *, capitalised_only: bool = False) -> None:
            anywhere = any(_unspaced(ch) or _joining(ch) for word in words for ch in word)
            patterns.setdefault(words, _Pattern(words, stand_in, capitalised_only, anywhere))

        for name, stand_in in self.names:
            words = tuple(name_parts(name))
            if not words:
                continue
            # The whole name, even lowercase: all of it together is a name, not a word.
            add(words, stand_in)
            if stand_in.startswith(PROGRAM):
                continue  # a program is named by its whole name; its words ("Mentoring") are not names
            letters = [w for w in words if not w.isdigit()]
            # Every run of two or more parts, as words ("Mary-Jane", "O'Brien") and run together
            # as in a hashtag, an address or "OBrien".
            for first in range(len(letters)):
                for last in range(first + 2, len(letters) + 1):
                    add(tuple(letters[first:last]), stand_in)
                    add(("".join(letters[first:last]),), stand_in)
            for word in letters:
                add((word,), stand_in, capitalised_only=word in EVERYDAY_WORDS)
                # Written without spaces (山田太郎, 김민수), a name's own parts are not visible:
                # any two or more of its characters in a row may be how it is mentioned (山田さん).
                if len(word) > 2 and all(_unspaced(ch) for ch in word):
                    for size in range(2, len(word)):
                        for at in range(len(word) - size + 1):
                            add((word[at : at + size],), stand_in)
        # Longest first, so "Ana Souza" becomes one stand-in rather than two.
        self._patterns = sorted(patterns.values(), key=lambda p: (len(p.words), len("".join(p.words))), reverse=True)

    def stand_in(self, label: str, name: str) -> str:
        if self.secret is None or not name.strip():
            return name
        return pseudonym(self.secret, label, name)

    def text(self, value: str, where: str = "") -> str:
        """`value` with every name replaced; each replacement is recorded with `where` it was."""
        if self.secret is None or not value or not self._patterns:
            return value
        spans: list[tuple[int, int, str]] = []
        found = tokens(value)
        i = 0
        while i < len(found):
            match = self._match(found, i, value)
            if match is not None:
                pattern, last = match
                spans.append((found[i].start, found[last].end, pattern.stand_in))
                i = last + 1
                continue
            spans += self._inside(found[i])
            i += 1
        out: list[str] = []
        at = 0
        for start, end, stand_in in spans:
            out += [value[at:start], stand_in]
            self.replacements.append(
                Replacement(where=where, original=value[start:end], stand_in=stand_in,
                            context=_context(value, start, end))
            )
            at = end
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

    def _inside(self, token: Token) -> list[tuple[int, int, str]]:
        """Names in a script without spaces, found inside a longer word ("今天王小明说", "وعلي")."""
        spans: list[tuple[int, int, str]] = []
        folded = token.folded
        taken = [False] * len(folded)
        for pattern in self._patterns:
            if not pattern.anywhere:
                continue
            needle = "".join(pattern.words)
            at = folded.find(needle)
            while at >= 0:
                stop = at + len(needle)
                if not any(taken[at:stop]):
                    taken[at:stop] = [True] * (stop - at)
                    spans.append((token.origin[at], token.origin[stop - 1] + 1, pattern.stand_in))
                at = folded.find(needle, stop)
        return sorted(spans)

    def export_id(self, real_id: str) -> str:
        """The id an item carries in this export: derived for this export alone when pseudonymising."""
        if self.secret is None:
            return real_id
        mac = hmac.new(self.secret, b"export-id\x00" + self.id_salt + b"\x00" + real_id.encode(), hashlib.sha256)
        return mac.hexdigest()[:32]


def _joins(between: str) -> bool:
    # Nothing between is a camel-cased name run together ("AnaSouza").
    return len(between) <= 3 and all(ch in " -.'’\u00a0" for ch in between)


def _context(value: str, start: int, end: int, width: int = 24) -> str:
    before = " ".join(value[max(0, start - width) : start].split())
    after = " ".join(value[end : end + width].split())
    return f"…{before} [{value[start:end]}] {after}…"


def pseudonym(secret: bytes, label: str, name: str) -> str:
    """A stable stand-in for a name, e.g. "Partner-7f3a2c"; the same name always gets the same one."""
    mac = hmac.new(secret, f"{label}\x00{name.strip().casefold()}".encode(), hashlib.sha256).hexdigest()
    return f"{label}-{mac[:6]}"


__all__ = ["EVERYDAY_WORDS", "Pseudonymizer", "Replacement", "fold", "pseudonym", "tokens"]
