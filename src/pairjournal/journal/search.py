"""Full-text search over the unlocked journal, held only in memory.

The index is never written anywhere: it is built from decrypted records after
unlock and dropped with them. Every query term matches as a prefix, and every
term must match (AND), which is what people expect from a search box.

Postings are compact arrays of document numbers rather than sets of ids: a
stress-size journal has millions of postings, and Python sets of strings would
cost hundreds of megabytes. A removed or replaced document leaves a tombstone
that queries skip; the arrays are never rewritten in place.

Results come newest first: each document carries a day (ties go by id), and
the index is built in that order, so among the documents of the build a higher
number is a newer record. The first page of a query matching most of the
journal is then the largest few numbers, found without looking at every match.
Documents added since (new or edited records) are few and are ranked by day.
"""

from __future__ import annotations

import bisect
import heapq
import re
import unicodedata
from array import array
from collections.abc import Callable

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
        self._day_of = array("i")  # document number -> its day (an ordinal): later days first
        self._num_of: dict[str, int] = {}
        self._vocab: list[str] = []
        self._vocab_dirty = False
        self._ordered_upto = 0  # documents below this number were added in key order
        self._late: set[int] = set()  # documents added after that, ranked by key

    def __len__(self) -> int:
        return len(self._num_of)

    def add(self, doc_id: str, text: str, day: int = 0) -> None:
        """Indexes text as doc_id, dated `day` (any int that grows with time, e.g. date.toordinal())."""
        self.remove(doc_id)
        num = len(self._doc_of)
        self._doc_of.append(doc_id)
        self._day_of.append(day)
        self._num_of[doc_id] = num
        if self._ordered_upto:
            self._late.add(num)
        postings = self._postings
        get = postings.get
        # Two bytes a posting while document numbers allow (a stress-size journal's
        # index is half the size); the first larger number widens that one array.
        small = num <= _SMALL
        for term in set(_TOKEN.findall(fold(text))):
            found = get(term)
            if found is None:
                postings[term] = array("H" if small else "I", (num,))
                self._vocab_dirty = True
            elif small or found.typecode == "I":
                found.append(num)
            else:
                wider = postings[term] = array("I", found)
                wider.append(num)

    def mark_ordered(self) -> None:
        """Everything added so far went in ascending (day, id) order; later additions need not."""
        self._ordered_upto = len(self._doc_of)
        self._late.clear()
        self._vocab = sorted(self._postings)  # here, in the builder's thread, not on the first query
        self._vocab_dirty = False

    def remove(self, doc_id: str) -> None:
        num = self._num_of.pop(doc_id, None)
        if num is not None:
            self._doc_of[num] = None

    def _arrays(self, prefix: str) -> list[array[int]]:
        """The postings of every term starting with prefix."""
        if self._vocab_dirty:
            self._vocab = sorted(self._postings)
            self._vocab_dirty = False
        vocab, postings = self._vocab, self._postings
        found = []
        i = bisect.bisect_left(vocab, prefix)
        while i < len(vocab) and vocab[i].startswith(prefix):
            found.append(postings[vocab[i]])
            i += 1
        return found

    def _numbers(self, text: str) -> set[int]:
        """Document numbers (removed ones included) holding every term of text as a prefix."""
        # Smallest term first; a much larger one then only checks the few candidates left.
        terms = sorted((sum(map(len, arrays)), arrays) for arrays in map(self._arrays, set(tokens(text))))
        result: set[int] | None = None
        for size, arrays in terms:
            if result is None:
                result = set().union(*arrays)
            elif size <= 8 * len(result):
                result &= set().union(*arrays)
            else:
                result = {num for num in result if any(_holds(a, num) for a in arrays)}
            if not result:
                return set()
        return result or set()

    def query(self, text: str) -> set[str]:
        doc_of = self._doc_of
        return {doc for num in self._numbers(text) if (doc := doc_of[num]) is not None}

    def top(self, text: str, limit: int) -> list[str]:
        """The ids of the `limit` best-ranked documents holding every term, best first."""
        terms = set(tokens(text))
        if not terms or limit < 1:
            return []
        if len(terms) == 1:
            return self._top_of_one(self._arrays(terms.pop()), limit)
        found = self._numbers(text)
        late = found & self._late if self._late else set()
        ordered = found - late if late else found
        return self._rank(lambda want: heapq.nlargest(want, ordered), late, limit)

    def _top_of_one(self, arrays: list[array[int]], limit: int) -> list[str]:
        # Postings are ascending, so the newest documents are at the end of each
        # array: read the tails, never the thousands of older matches.
        cut = self._ordered_upto
        late: set[int] = set()
        ends = []
        for a in arrays:
            end = bisect.bisect_left(a, cut) if cut else len(a)
            late.update(a[end:])
            ends.append(end)

        def newest(want: int) -> list[int]:
            tails: set[int] = set()
            for a, end in zip(arrays, ends, strict=True):
                tails.update(a[max(0, end - want) : end])
            return heapq.nlargest(want, tails)

        return self._rank(newest, late, limit)

    def _rank(self, newest: Callable[[int], list[int]], late: set[int], limit: int) -> list[str]:
        doc_of, day_of = self._doc_of, self._day_of
        # Removed documents still sit in the postings: ask for more until enough are live.
        want = limit
        while True:
            best = newest(want)
            live = [num for num in best if doc_of[num] is not None]
            if len(live) >= limit or len(best) < want:
                break
            want *= 4
        picked = live[:limit] + [num for num in late if doc_of[num] is not None]
        if late:
            picked.sort(key=lambda num: (day_of[num], doc_of[num]), reverse=True)
        return [doc_of[num] for num in picked[:limit]]  # type: ignore[misc]


_SMALL = 0xFFFF


def _holds(postings: array[int], num: int) -> bool:
    i = bisect.bisect_left(postings, num)
    return i < len(postings) and postings[i] == num


def snippet(text: str, query: str, width: int = 70) -> str:
    """A one-line excerpt around the first matching term."""
    if text.isascii():
        # Flatten and fold only a window around the first match, not a long
        # session's whole notes for every hit; the excerpt is the same.
        terms = tokens(query)
        lowered = text.lower()
        hits = [p for t in terms if (p := lowered.find(t)) >= 0]
        if hits:
            first = min(hits)
            begin = max(0, first - 3 * width)
            end = first + 2 * width + max(map(len, terms)) + 1
            if begin > 0 or end < len(text):
                short = _excerpt(text[begin:end], query, width, head=begin > 0, tail=end < len(text))
                if short is not None:
                    return short
    return _excerpt(text, query, width) or ""


def _excerpt(text: str, query: str, width: int, *, head: bool = False, tail: bool = False) -> str | None:
    """snippet() of text, which may be a window of a longer text with more before it (head)
    or after it (tail); None when the window is too small to give the same excerpt."""
    flat = " ".join(text.split())
    folded = fold(flat)
    if len(folded) != len(flat):  # folding changed lengths: positions would drift
        folded = flat.lower()
    positions = [p for t in tokens(query) if (p := folded.find(t)) >= 0]
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
