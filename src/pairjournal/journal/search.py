"""Search: the matching rules, the scan that applies them, and the in-memory index.

One set of rules, two ways to apply them, never two answers:

- A text is **folded** (case and accents away, so "resume" finds "Résumé") and
  cut into **words**: the runs of word characters (`\\w`) of the folded text.
- A query is folded and cut the same way; every one of its words must match
  (AND). A query word of one or two characters matches the **start** of a word
  ("ag" finds "agenda"); from three characters on it matches **anywhere inside**
  a word ("tol" finds "tools", "genda" finds "agenda"). Quotes and other signs
  in a query are separators, like spaces.
- Results come **newest first**, by `rank_number` (the record's day, then its id).

`Query.matches` applies the rules to one folded text: that is the **scan**, which
a one-shot search (the CLI) runs over the decrypted records, and which the
interface uses until its index is ready. `TextIndex` is the **index**: SQLite's
FTS5 in a private in-memory database (never a file: no path, temp_store=MEMORY),
built by SQLite's C code in a few large statements that release the GIL.
FTS5 only ever sees words already folded and cut by the rules above, and its
"ascii" tokenizer splits them exactly there, so its words are ours. A query
becomes an FTS5 expression over whole words found in the index's own
vocabulary (every word that starts with, or contains, the query word), so FTS5
never applies a rule of its own. tests/test_search_rules.py runs the same
queries through both and compares the hits.

The index is never written anywhere: it holds decrypted words and is dropped
with the journal.
"""

from __future__ import annotations

import bisect
import hashlib
import heapq
import itertools
import operator
import re
import sqlite3
import unicodedata
from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TypeVar

import msgspec

_TOKEN = re.compile(r"\w+", re.UNICODE)
SUBSTRING_FROM = 3  # query words this long match anywhere inside a word; shorter ones at its start
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def fold(text: str) -> str:
    """Case- and accent-insensitive form, so "resume" finds "Résumé".

    ASCII text is only lowered. Other text is case-folded, decomposed (NFKD, so
    "ﬁ" is "fi") and stripped of combining marks; a compatibility character
    that decomposes to a capital ASCII letter ("ℌ") is lowered last, so folded
    text never holds A-Z.
    """
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    if not decomposed.isascii():
        decomposed = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return decomposed.translate(_ASCII_LOWER)


def tokens(text: str) -> list[str]:
    """The words of a text, folded, in order (repeats kept)."""
    return _TOKEN.findall(fold(text))


def index_form(text: str) -> str:
    """What the index is given for a text: words FTS5's ascii tokenizer splits exactly as the rules do.

    For ASCII text that is the text itself: the tokenizer's word characters are
    then [A-Za-z0-9_], which is `\\w` in ASCII, and it lowers A-Z as fold() does.
    Any other text is folded and its words joined by spaces (the tokenizer takes
    every non-ASCII character as part of a word, so it must not see them raw).
    """
    if text.isascii():
        return text
    return " ".join(tokens(text))


@dataclass(frozen=True)
class Term:
    """One word of a query and where it may match a word of the text."""

    text: str

    @property
    def inside(self) -> bool:
        """True: anywhere inside a word; False: at the start of one."""
        return len(self.text) >= SUBSTRING_FROM

    def found_in(self, folded: str) -> bool:
        """Whether the folded text holds a word this term matches.

        The term is made of word characters only, so wherever it occurs in the
        text it lies inside one word: containment is the "inside" rule as it stands.
        """
        text = self.text
        if self.inside:
            return text in folded
        # At a word's start: where nothing, or no word character, comes before it.
        # (A word character is what `\w` matches: str.isalnum() or "_".)
        at = folded.find(text)
        while at > 0:
            before = folded[at - 1]
            if not (before.isalnum() or before == "_"):
                return True
            at = folded.find(text, at + 1)
        return at == 0

    def matches_word(self, word: str) -> bool:
        return self.text in word if self.inside else word.startswith(self.text)


@dataclass(frozen=True)
class Query:
    terms: tuple[Term, ...]

    @classmethod
    def parse(cls, text: str) -> Query:
        return cls(tuple(Term(word) for word in dict.fromkeys(tokens(text))))

    def __bool__(self) -> bool:
        return bool(self.terms)

    def matches(self, folded: str) -> bool:
        """The scan: whether a folded text satisfies every term (an empty query matches nothing)."""
        return bool(self.terms) and all(term.found_in(folded) for term in self.terms)

    def matches_text(self, text: str) -> bool:
        return self.matches(fold(text))


# -- ranking -------------------------------------------------------------------------------

_DAY_BITS = 22  # date.max.toordinal() < 2**22
_ID_BITS = 41
_HEX11 = re.compile(r"[0-9a-f]{11}")


def rank_number(day: int, record_id: str) -> int:
    """Smaller is newer: the day first (later days first), then the id (higher first).

    One number, so that it can be the index's row number and "newest first" is
    "lowest number first". It holds the first 41 bits of the id; records sharing
    the day and those bits (never, for random ids) come in the order of their
    whole id, in the scan and the index alike (see `newest`).
    """
    head = record_id[:11]
    if _HEX11.fullmatch(head):
        bits = int(head, 16) >> 3
    else:  # not an id pairjournal made: still one fixed place in the order
        digest = hashlib.blake2b(record_id.encode("utf-8", "surrogatepass"), digest_size=6).digest()
        bits = int.from_bytes(digest, "big") >> 7
    return (((1 << _DAY_BITS) - 1 - day) << _ID_BITS) | ((1 << _ID_BITS) - 1 - bits)


def newest(found: Iterable[tuple[int, str]], limit: int) -> list[str]:
    """The ids of the `limit` newest of (rank number, id) pairs: by rank number, then by id."""
    return [record_id for _, record_id in heapq.nsmallest(limit, found)]


def scan(query: Query, documents: Iterable[tuple[str, int, str]], limit: int) -> list[str]:
    """The scan over (id, rank number, text) documents: the ids of the newest `limit` that match."""
    if not query or limit < 1:
        return []
    matches = query.matches
    return newest(((rank, doc_id) for doc_id, rank, text in documents if matches(fold(text))), limit)


# -- the index -----------------------------------------------------------------------------

_SCHEMA = (
    "CREATE VIRTUAL TABLE docs USING fts5("
    "words, content='', detail=none, columnsize=0, tokenize=\"ascii tokenchars '_'\")"
)
STOP_EVERY = 1024  # documents between two questions whether the build is still wanted
# FTS5 spends about as long opening one word's list as the scan rule takes over
# eight documents. A query word matching more than WIDE index words is checked by
# the scan rule on the documents the other words found (or, if every word is
# that wide, on the newest documents in turn) unless its words are rare enough
# that opening them all is cheaper than the documents the scan would look at.
WIDE = 32
WORD_COST = 8  # in documents checked by the scan rule
LATE_SCAN = 256  # up to this many documents written since the build are checked by the scan rule


# The image's layout (docs/FORMAT.md): a JSON line naming the documents, then the database.
IMAGE_VERSION = 1


class _ImageStamp(msgspec.Struct):
    v: int
    stamp: str


class _ImageHead(_ImageStamp):
    ids: list[str]
    ranks: list[int]
    words: list[str]
    docs: list[int]


_Head = TypeVar("_Head", bound=_ImageStamp)
_encode_head = msgspec.json.Encoder().encode


def _read_head(raw: bytes, kind: type[_Head]) -> _Head | None:
    end = raw.find(b"\n")
    if end < 0:
        return None
    try:
        head = msgspec.json.decode(raw[:end], type=kind)
    except (msgspec.ValidationError, msgspec.DecodeError):
        return None
    return head if head.v == IMAGE_VERSION else None


class IndexClosed(Exception):
    """The build was told to stop (the journal closed or was rolled back)."""


class TextIndex:
    """Words of documents in FTS5 in memory, newest first. Not thread-safe: its keeper locks.

    The documents of the build are numbered 1, 2, ... in rank order (newest
    first), so that FTS5's row numbers grow by one and its lists stay small. A
    document written later (new, or edited: FTS5 cannot forget words without
    their old text, so the old row is only marked gone) is added after them,
    with its rank number kept here; the few of those are ranked when asked.
    """

    def __init__(self) -> None:
        # A private in-memory database: no file, and nothing spilled to a temp file.
        self._db = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA temp_store=MEMORY")
        self._db.execute(_SCHEMA)
        # Build in one segment: no merging while adding, no merge afterwards.
        self._db.execute("INSERT INTO docs(docs, rank) VALUES ('hashsize', 268435456)")
        self._db.execute("INSERT INTO docs(docs, rank) VALUES ('automerge', 0)")
        self._doc_at: list[str | None] = [None]  # row number -> document (None: gone); row 0 unused
        self._row_of: dict[str, int] = {}
        self._built = 0  # rows 1.._built are the build's, in rank order
        self._ranks = array("q", [0])  # a build's row -> its rank number
        self._late: dict[int, tuple[int, str]] = {}  # a later row -> (rank number, document)
        self._vocab: list[str] = []
        self._joined = ""
        self._starts: list[int] = []
        self._docs_with: dict[str, int] = {}  # a word -> how many documents of the build hold it
        self._new_words: set[str] = set()
        # Whether the index is still exactly what its build (or image) made: FTS5 keeps the
        # words of a document written over or removed, so only a pristine index is imaged.
        self.pristine = True

    def __len__(self) -> int:
        return len(self._row_of)

    @property
    def rows(self) -> int:
        """Rows FTS5 holds, current or gone: what the index's memory grows with."""
        return len(self._doc_at) - 1

    def close(self) -> None:
        self._db.close()
        self._doc_at, self._row_of, self._late, self._ranks = [None], {}, {}, array("q", [0])
        self._vocab, self._joined, self._starts = [], "", []

    # -- building ---------------------------------------------------------------

    def build(
        self, documents: Iterable[tuple[str, int, str]], stop: Callable[[], bool], *, in_order: bool = False
    ) -> None:
        """Adds (id, rank number, index_form text) documents, once, in one transaction.

        `stop()` is asked every STOP_EVERY documents; when it says so, IndexClosed is
        raised. With `in_order`, the documents come already newest first (by rank
        number, then id) and each is handed to SQLite as it comes: the texts of a
        large journal are then never all held at once.
        """
        ordered = documents if in_order else sorted(documents, key=lambda doc: (doc[1], doc[0]))
        doc_at, row_of, ranks = self._doc_at, self._row_of, self._ranks

        def rows() -> Iterator[tuple[int, str]]:
            for row, (doc_id, rank, text) in enumerate(ordered, 1):
                if row % STOP_EVERY == 0 and stop():
                    raise IndexClosed
                doc_at.append(doc_id)
                row_of[doc_id] = row
                ranks.append(rank)
                yield row, text

        self._db.execute("BEGIN")
        # One row per step: SQLite tokenizes each text with the interpreter released.
        self._db.executemany("INSERT INTO docs(rowid, words) VALUES (?, ?)", rows())
        if stop():
            raise IndexClosed
        self._db.execute("COMMIT")
        self._built = len(doc_at) - 1
        self._read_vocab()

    def ids(self) -> set[str]:
        """The documents the index holds."""
        return set(self._row_of)

    # -- the image: the built index, sealed into the journal between unlocks -------------------

    def image(self, stamp: str) -> list[bytes]:
        """The index as bytes (docs/FORMAT.md, "The `search` entry"), labelled with `stamp`,
        in pieces: joined, they are the image.

        Only a pristine index has one: it holds the words of its documents as they
        stand and of nothing since written over or removed.
        """
        if not self.pristine:
            raise ValueError("only a pristine index is imaged")
        ids = [doc_id for doc_id in self._doc_at[1:] if doc_id is not None]  # all of them, pristine
        words = self._vocab
        head = _encode_head(
            _ImageHead(
                v=IMAGE_VERSION,
                stamp=stamp,
                ids=ids,
                ranks=self._ranks[1:].tolist(),
                words=words,
                docs=[self._docs_with[word] for word in words],
            )
        )
        # Pieces, never joined: sealed one after the other (Sealer.seal_in_parts), the image is
        # held once, as SQLite serialized it.
        return [head, b"\n", self._db.serialize()]

    @staticmethod
    def image_stamp(raw: bytes) -> str | None:
        """The stamp an image was labelled with (None: not an image this version reads)."""
        head = _read_head(raw, _ImageStamp)
        return head.stamp if head is not None else None

    @classmethod
    def from_image(cls, raw: bytes) -> TextIndex | None:
        """The index an image holds, or None when it is not one this version reads."""
        opened = cls.open_image(raw)
        return opened.finish() if opened is not None else None

    @classmethod
    def open_image(cls, raw: bytes) -> OpenedImage | None:
        """from_image() in two steps: SQLite's copy of the database now, so the image itself can
        go at once; its head (the documents' ids and the words' counts) read by finish()."""
        end = raw.find(b"\n")
        if end < 0:
            return None
        index = cls()
        try:
            index._db.deserialize(memoryview(raw)[end + 1 :])  # SQLite copies it: no second copy here
        except (sqlite3.Error, OverflowError):
            index.close()
            return None
        return OpenedImage(index, raw[: end + 1])

    def _take_head(self, raw_head: bytes) -> bool:
        """Checks the database an image gave and takes its head; False when either is not as written.

        Run once the records are in, when memory is at its highest: the checks make no copy of
        the ids or the words beyond the mapping kept (its size tells the ids are distinct)."""
        head = _read_head(raw_head, _ImageHead)
        if head is None or len(head.ids) != len(head.ranks) or len(head.words) != len(head.docs):
            return False
        words = head.words
        if any(map(operator.ge, words, itertools.islice(words, 1, None))):
            return False  # not sorted, or not distinct
        db = self._db
        try:
            tables = db.execute("SELECT name, sql FROM sqlite_master WHERE name = 'docs'").fetchall()
            if tables != [("docs", _SCHEMA)] or db.execute("PRAGMA quick_check").fetchone() != ("ok",):
                return False
            ranks = array("q", head.ranks)
        except (sqlite3.Error, OverflowError):
            return False
        row_of = {doc_id: row for row, doc_id in enumerate(head.ids, 1)}
        if len(row_of) != len(head.ids):
            return False
        self._doc_at.extend(head.ids)
        self._row_of = row_of
        self._ranks.extend(ranks)
        self._built = len(head.ids)
        # Counting every word's documents again would walk the whole index (fts5vocab).
        self._docs_with = dict(zip(words, head.docs, strict=True))
        self._set_vocab(words)
        return True

    def _read_vocab(self) -> None:
        self._db.execute("CREATE VIRTUAL TABLE temp.vocab USING fts5vocab(main, docs, 'row')")
        counted = self._db.execute("SELECT term, doc FROM temp.vocab").fetchall()
        self._docs_with = dict(counted)
        self._set_vocab([term for term, _ in counted])
        self._db.execute("DROP TABLE temp.vocab")

    def _set_vocab(self, words: list[str]) -> None:
        self._vocab = words  # sorted: fts5vocab lists terms in order
        self._joined = "\n".join(words)
        starts, at = [], 0
        for word in words:
            starts.append(at)
            at += len(word) + 1
        self._starts = starts
        self._new_words.clear()

    # -- keeping up with edits ---------------------------------------------------------

    def add(self, doc_id: str, rank: int, text: str) -> None:
        """A document written after the build (new or edited): a new row, ranked by `rank`."""
        self.remove(doc_id)
        self.pristine = False
        row = len(self._doc_at)
        self._doc_at.append(doc_id)
        self._row_of[doc_id] = row
        self._late[row] = (rank, doc_id)
        self._db.execute("INSERT INTO docs(rowid, words) VALUES (?, ?)", (row, text))
        # Each distinct word looked up once: a long text repeats most of its words many times.
        fresh = {w for w in set(_TOKEN.findall(text.translate(_ASCII_LOWER))) if not self._has_word(w)}
        if fresh:
            self._new_words |= fresh

    def remove(self, doc_id: str) -> None:
        row = self._row_of.pop(doc_id, None)
        if row is not None:
            self.pristine = False
            self._doc_at[row] = None
            self._late.pop(row, None)

    def _has_word(self, word: str) -> bool:
        i = bisect.bisect_left(self._vocab, word)
        return (i < len(self._vocab) and self._vocab[i] == word) or word in self._new_words

    # -- asking ----------------------------------------------------------------------

    def words_for(self, term: Term) -> list[str]:
        """Every word of the index that the term matches."""
        vocab = self._vocab
        found: list[str] = []
        if term.inside:
            starts, joined = self._starts, self._joined
            seen = -1
            for hit in re.finditer(re.escape(term.text), joined):
                i = bisect.bisect_right(starts, hit.start()) - 1
                if i != seen:
                    found.append(vocab[i])
                    seen = i
        else:
            i = bisect.bisect_left(vocab, term.text)
            while i < len(vocab) and vocab[i].startswith(term.text):
                found.append(vocab[i])
                i += 1
        found += [w for w in self._new_words if term.matches_word(w)]
        return found

    def top(self, query: Query, limit: int, verify: Callable[[str], bool]) -> list[str]:
        """The ids of the newest `limit` documents matching every term.

        Each term is either asked of FTS5 (as the index words it matches) or
        checked by `verify(id)`, the scan rule on the document as it is now:
        whichever costs less (see WIDE). The hits are the same either way.
        """
        if not query or limit < 1:
            return []
        plans: list[tuple[int, float, list[str]]] = []
        total = max(1, len(self._row_of))
        for term in query.terms:
            words = self.words_for(term)
            if not words:
                return []
            share = min(1.0, sum(self._docs_with.get(w, 1) for w in words) / total)
            plans.append((len(words), share, words))
        plans.sort(key=lambda plan: plan[0])
        asked = [words for count, _, words in plans if count <= WIDE]
        if not asked:
            count, share, words = plans[0]
            if count * WORD_COST <= limit / share:
                asked = [words]
        check = len(asked) < len(plans)
        doc_at, built = self._doc_at, self._built
        found: list[tuple[int, str]] = []
        late: list[int] = []
        late_checked = check
        if asked:
            expression = " AND ".join("(" + " OR ".join(f'"{w}"' for w in words) + ")" for words in asked)
            rows: Iterable[int] = self._matching(expression, "rowid <= ?", built)
            if len(self._late) > LATE_SCAN:
                late = list(self._matching(expression, "rowid > ?", built))
            elif self._late:
                late, late_checked = list(self._late), True  # a few: quicker by the scan rule
        else:
            rows, late = range(1, built + 1), list(self._late)
        # The build's rows come in rank order: the first `limit` live ones are its best.
        for row in rows:
            doc_id = doc_at[row]
            if doc_id is None or (check and not verify(doc_id)):
                continue
            found.append((row, doc_id))
            if len(found) >= limit:
                break
        ranks = self._build_ranks(found)
        for row in late:
            entry = self._late.get(row)
            if entry is not None and (not late_checked or verify(entry[1])):
                ranks.append(entry)
        return newest(ranks, limit)

    def _build_ranks(self, found: list[tuple[int, str]]) -> list[tuple[int, str]]:
        """(rank number, id) of the build's documents found, for merging with later ones."""
        ranks = self._ranks
        return [(ranks[row], doc_id) for row, doc_id in found]

    def _matching(self, expression: str, bound: str, row: int) -> Iterator[int]:
        cursor = self._db.execute(
            f"SELECT rowid FROM docs WHERE docs MATCH ? AND {bound} ORDER BY rowid", (expression, row)
        )
        while rows := cursor.fetchmany(256):
            for (found,) in rows:
                yield found


class OpenedImage:
    """A sealed index's database, copied into SQLite, its head not read yet (TextIndex.open_image)."""

    def __init__(self, index: TextIndex, head: bytes) -> None:
        self._index: TextIndex | None = index
        self._head = head

    def finish(self) -> TextIndex | None:
        """The index, or None when the image is not one this version reads; once."""
        index, self._index = self._index, None
        if index is None:
            return None
        if not index._take_head(self._head):
            index.close()
            return None
        return index

    def close(self) -> None:
        """Lets the database go, when the index will not be made after all."""
        index, self._index = self._index, None
        if index is not None:
            index.close()


__all__ = [
    "SUBSTRING_FROM",
    "IndexClosed",
    "OpenedImage",
    "Query",
    "Term",
    "TextIndex",
    "fold",
    "index_form",
    "newest",
    "rank_number",
    "scan",
    "snippet",
    "tokens",
]


def snippet(text: str, query: str, width: int = 70, *, terms: list[str] | None = None) -> str:
    """A one-line excerpt around the first matching term (`terms`: tokens(query), if known)."""
    terms = tokens(query) if terms is None else terms
    if terms and text.isascii():
        # Flatten and fold only a window around the first match, not a long
        # session's whole notes for every hit; the excerpt is the same (a window
        # too small for it, where whitespace runs shrink, says so and the whole
        # text is used).
        lowered = text.lower()
        hits = [p for t in terms if (p := lowered.find(t)) >= 0]
        if hits:
            first = min(hits)
            begin = max(0, first - width // 3 - 16)
            end = first + width + max(map(len, terms)) + 16
            if begin > 0 or end < len(text):
                short = _excerpt(text[begin:end], terms, width, head=begin > 0, tail=end < len(text))
                if short is not None:
                    return short
    return _excerpt(text, terms, width) or ""


def _excerpt(text: str, terms: list[str], width: int, *, head: bool = False, tail: bool = False) -> str | None:
    """snippet() of text, which may be a window of a longer text with more before it (head)
    or after it (tail); None when the window is too small to give the same excerpt."""
    flat = " ".join(text.split())
    folded = fold(flat)
    if len(folded) != len(flat):  # folding changed lengths: positions would drift
        folded = flat.lower()
    positions = [p for t in terms if (p := folded.find(t)) >= 0]
    start = max(0, min(positions) - width // 3) if positions else 0
    if head and not 0 <= flat.find(" ") < start:  # the window's first word may be cut
        return None
    if tail and start + width >= len(flat):
        return None
    piece = flat[start : start + width]
    if start > 0:
        piece = "…" + piece
    if start + width < len(flat):
        piece += "…"
    return piece
