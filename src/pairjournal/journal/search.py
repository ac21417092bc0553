"""Full-text search over the unlocked journal, held only in memory.

The index is never written anywhere: it is built from decrypted records after
unlock and dropped with them. Every query term matches as a prefix, and every
term must match (AND), which is what people expect from a search box.

Postings are compact arrays of document numbers rather than sets of ids: a
stress-size journal has millions of postings, and Python sets of strings would
cost hundreds of megabytes. A removed or replaced document leaves a tombstone
that queries skip; the arrays are never rewritten in place.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from array import array

_TOKEN = re.compile(r"\w+", re.UNICODE)


def fold(text: str) -> str:
    """Case- and accent-insensitive form, so "resume" finds "Résumé"."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    if decomposed.isascii():
        return decomposed
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(fold(text))


class SearchIndex:
    def __init__(self) -> None:
        self._postings: dict[str, array[int]] = {}
        self._doc_of: list[str | None] = []  # document number -> record id (None: removed)
        self._num_of: dict[str, int] = {}
        self._vocab: list[str] = []
        self._vocab_dirty = False

    def __len__(self) -> int:
        return len(self._num_of)

    def add(self, doc_id: str, text: str) -> None:
        self.remove(doc_id)
        num = len(self._doc_of)
        self._doc_of.append(doc_id)
        self._num_of[doc_id] = num
        postings = self._postings
        for term in set(_TOKEN.findall(fold(text))):
            found = postings.get(term)
            if found is None:
                postings[term] = array("I", (num,))
                self._vocab_dirty = True
            else:
                found.append(num)

    def remove(self, doc_id: str) -> None:
        num = self._num_of.pop(doc_id, None)
        if num is not None:
            self._doc_of[num] = None

    def _matching(self, prefix: str) -> set[int]:
        if self._vocab_dirty:
            self._vocab = sorted(self._postings)
            self._vocab_dirty = False
        vocab = self._vocab
        found: set[int] = set()
        i = bisect.bisect_left(vocab, prefix)
        while i < len(vocab) and vocab[i].startswith(prefix):
            found.update(self._postings[vocab[i]])
            i += 1
        return found

    def query(self, text: str) -> set[str]:
        # Longest terms first: they are usually the rarest, so the set shrinks fast.
        terms = sorted(set(tokens(text)), key=len, reverse=True)
        if not terms:
            return set()
        result: set[int] | None = None
        for term in terms:
            docs = self._matching(term)
            result = docs if result is None else result & docs
            if not result:
                return set()
        doc_of = self._doc_of
        return {doc for num in result or () if (doc := doc_of[num]) is not None}


def snippet(text: str, query: str, width: int = 70) -> str:
    """A one-line excerpt around the first matching term."""
    flat = " ".join(text.split())
    folded = fold(flat)
    if len(folded) != len(flat):  # folding changed lengths: positions would drift
        folded = flat.lower()
    positions = [p for t in tokens(query) if (p := folded.find(t)) >= 0]
    start = max(0, min(positions) - width // 3) if positions else 0
    piece = flat[start : start + width]
    if start > 0:
        piece = "…" + piece
    if start + width < len(flat):
        piece += "…"
    return piece
