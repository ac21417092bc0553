"""Full-text search over the unlocked journal, held only in memory.

The index is never written anywhere: it is built from decrypted records after
unlock and dropped with them. Every query term matches as a prefix, and every
term must match (AND), which is what people expect from a search box.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections import defaultdict

_TOKEN = re.compile(r"\w+", re.UNICODE)


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(fold(text))


def fold(text: str) -> str:
    """Case- and accent-insensitive form, so "resume" finds "Résumé"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


class SearchIndex:
    def __init__(self) -> None:
        self._postings: dict[str, set[str]] = defaultdict(set)
        self._terms_of: dict[str, set[str]] = {}
        self._vocab: list[str] = []
        self._vocab_dirty = False

    def __len__(self) -> int:
        return len(self._terms_of)

    def add(self, doc_id: str, text: str) -> None:
        self.remove(doc_id)
        terms = set(tokens(text))
        self._terms_of[doc_id] = terms
        postings = self._postings
        for term in terms:
            if term not in postings:
                self._vocab_dirty = True
            postings[term].add(doc_id)

    def remove(self, doc_id: str) -> None:
        for term in self._terms_of.pop(doc_id, ()):
            docs = self._postings.get(term)
            if docs is not None:
                docs.discard(doc_id)
                if not docs:
                    del self._postings[term]
                    self._vocab_dirty = True

    def _matching(self, prefix: str) -> set[str]:
        if self._vocab_dirty:
            self._vocab = sorted(self._postings)
            self._vocab_dirty = False
        vocab = self._vocab
        found: set[str] = set()
        i = bisect.bisect_left(vocab, prefix)
        while i < len(vocab) and vocab[i].startswith(prefix):
            found |= self._postings.get(vocab[i], set())
            i += 1
        return found

    def query(self, text: str) -> set[str]:
        terms = sorted(set(tokens(text)), key=len, reverse=True)
        if not terms:
            return set()
        result: set[str] | None = None
        for term in terms:
            docs = self._matching(term)
            result = docs if result is None else result & docs
            if not result:
                return set()
        return result or set()


def snippet(text: str, query: str, width: int = 70) -> str:
    """A one-line excerpt around the first matching term."""
    flat = " ".join(text.split())
    folded = fold(flat)
    positions = [folded.find(t) for t in tokens(query)]
    positions = [p for p in positions if p >= 0]
    start = max(0, min(positions) - width // 3) if positions else 0
    piece = flat[start : start + width]
    if start > 0:
        piece = "…" + piece
    if start + width < len(flat):
        piece += "…"
    return piece
