"""One set of matching rules, two ways to apply them: the scan and the in-memory index give the same hits.

Every case runs the same query through `scan` (the one-shot search, and the
interface's until its index is ready) and through `TextIndex` (FTS5 in memory),
and compares the ordered ids, so a rule that drifts in either fails here.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pairjournal.journal import Journal
from pairjournal.journal.search import WIDE, Query, TextIndex, fold, index_form, rank_number, scan

DOCS = {
    "a1": "Résumé tips from Ana: keep it to one page.",
    "a2": "The TOOLS we use: spreadsheets, shortcuts and a Tool-kit.",
    "a3": "Agenda: naïve questions first, then the CRM rollout.",
    "a4": "snake_case names and CamelCase ones; version 2.0 and 42nd street",
    "a5": "Straße und STRASSE, Ελληνικά ΣΟΦΙΑ σοφία",
    "a6": "שלום עולם and नमस्ते दुनिया",
    "a7": "東京で会議。中文的搜索",
    "a8": "ℌilbert's ﬁle of ½ measures",
    "a9": "“Quoted” words, em—dashes and… ellipses",
    "b1": "tools",
    "b2": "",
}


def build_both(docs: dict[str, str], days: dict[str, int] | None = None) -> tuple[list[tuple[str, int, str]], TextIndex]:
    documents = [(doc_id, rank_number((days or {}).get(doc_id, 100), doc_id), text) for doc_id, text in docs.items()]
    index = TextIndex()
    index.build(((i, r, index_form(t)) for i, r, t in documents), lambda: False)
    return documents, index


def both(query: str, docs: dict[str, str], limit: int = 200) -> tuple[list[str], list[str]]:
    documents, index = build_both(docs)
    texts = dict(docs)
    try:
        q = Query.parse(query)
        by_index = index.top(q, limit, lambda doc_id: q.matches_text(texts[doc_id]))
    finally:
        index.close()
    return scan(Query.parse(query), documents, limit), by_index


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("resume", {"a1"}),  # accents folded, in the document
        ("RÉSUMÉ", {"a1"}),  # and in the query
        ("tol", set()),  # three letters: anywhere inside a word, and "tol" is in none
        ("ool", {"a2", "b1"}),  # "tools", "Tool"
        ("tools", {"a2", "b1"}),  # case folded
        ("to", {"a1", "a2", "b1"}),  # two letters: the start of a word ("to", "tools", "Tool")
        ("oo", set()),  # two letters never match inside a word
        ("genda", {"a3"}),  # inside "Agenda"
        ("naive crm", {"a3"}),  # every word must match
        ("naive tools", set()),
        ('"naive" "crm"', {"a3"}),  # quotes are separators
        ("snake_case", {"a4"}),  # the underscore is a word character
        ("snake", {"a4"}),
        ("case", {"a4"}),  # inside "snake_case" and "CamelCase"
        ("2", {"a4", "a8"}),  # start of "2" (not inside "42nd"); ½ decomposes to 1⁄2
        ("42", {"a4"}),
        ("2nd", {"a4"}),  # inside "42nd"
        ("strasse", {"a5"}),  # ß folds to ss
        ("σοφια", {"a5"}),  # final and capital sigma fold alike
        ("ελλην", {"a5"}),
        ("שלום", {"a6"}),
        ("नमस", {"a6"}),  # Devanagari: the vowel signs are not word characters, for both
        ("東京", {"a7"}),
        ("搜索", set()),  # a run of CJK characters is one word: two of them match only at its start
        ("搜索的", set()),
        ("文的搜", {"a7"}),  # three match inside it
        ("hilbert", {"a8"}),  # ℌ decomposes to H, lowered
        ("file", {"a8"}),  # the ﬁ ligature decomposes
        ("quoted", {"a9"}),
        ("dashes ellipses", {"a9"}),
        ("", set()),
        ("…", set()),  # no word at all
        ("a", {"a1", "a2", "a3", "a4", "a6", "a9"}),  # one letter: a word's start ("Ana", "and", "Agenda", "a")
    ],
)
def test_scan_and_index_agree_on_each_rule(query: str, expected: set[str]) -> None:
    by_scan, by_index = both(query, DOCS)
    assert set(by_scan) == expected
    assert by_index == by_scan


def test_results_are_newest_first_and_the_same_page_from_both() -> None:
    docs = {f"{n:032x}": f"entry {n} about feedback" for n in range(300)}
    days = {doc_id: 700_000 + n % 37 for n, doc_id in enumerate(docs)}  # many share a day
    documents, index = build_both(docs, days)
    try:
        q = Query.parse("feedback")
        by_index = index.top(q, 50, lambda doc_id: q.matches_text(docs[doc_id]))
    finally:
        index.close()
    by_scan = scan(q, documents, 50)
    assert by_index == by_scan
    assert [days[d] for d in by_scan] == sorted((days[d] for d in by_scan), reverse=True)
    assert days[by_scan[0]] == max(days.values())


def test_a_word_matching_more_than_wide_words_is_checked_by_the_scan_rule() -> None:
    docs = {f"d{n}": f"zz{n:04d}q other" for n in range(WIDE * 3)}
    docs["odd"] = "zzz"
    by_scan, by_index = both("zz", docs, limit=500)
    assert len(by_scan) == WIDE * 3 + 1 and by_index == by_scan
    by_scan, by_index = both("zz other", docs, limit=500)
    assert len(by_scan) == WIDE * 3 and by_index == by_scan


# Text from letters, accented and other scripts, digits, _ and separators, so that
# words, folding and the two rules all meet in random places.
ALPHABET = "abcdeéèëfoOtTlLsSß_19 -.,'\"—…\nΣσςשלנमसते東京ℌﬁ"
words = st.text(alphabet=ALPHABET, min_size=0, max_size=40)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(docs=st.lists(words, min_size=1, max_size=12), picks=st.lists(st.tuples(st.integers(0, 11), st.integers(0, 40), st.integers(1, 5)), min_size=1, max_size=3))
def test_scan_and_index_agree_on_random_text(docs: list[str], picks: list[tuple[int, int, int]]) -> None:
    texts = {f"{n:032x}": text for n, text in enumerate(docs)}
    # Queries cut from the documents themselves (so that they match something), joined by spaces.
    query = " ".join(docs[i % len(docs)][start : start + size] for i, start, size in picks)
    by_scan, by_index = both(query, texts)
    assert by_index == by_scan


@given(st.text(max_size=30))
def test_folded_text_never_holds_capital_ascii(text: str) -> None:
    assert not any("A" <= ch <= "Z" for ch in fold(text))


def test_the_journal_answers_the_same_before_and_after_its_index_and_after_edits(journal: Journal) -> None:
    pair = journal.add_pair("Ana Ruiz", "mentee")
    first = journal.add_takeaway(pair.id, "Keyboard shortcuts save the day")
    journal.add_reflection("Thinking about tools and shortcuts")
    journal.add_action(pair.id, "Try the new dashboard tools")
    queries = ["shortcuts", "tool", "ortc", "sa", "dash tools", "ana", "nothing"]
    before = {q: [h.id for h in journal.search(q)] for q in queries}
    assert not journal.index_ready  # answered by the scan
    journal.build_index()
    assert journal.index_ready
    assert {q: [h.id for h in journal.search(q)] for q in queries} == before
    # An edit makes the old words wrong; the index must not answer them.
    journal.edit_takeaway(first.id, text="Mouse gestures instead")
    assert journal.search("shortcuts") and first.id not in {h.id for h in journal.search("shortcuts")}
    assert [h.id for h in journal.search("gestures")] == [first.id]
    journal.delete_item(first.id)
    assert journal.search("gestures") == []
    # And the scan agrees with all of that.
    after = {q: [h.id for h in journal.search(q)] for q in [*queries, "gestures", "mouse"]}
    journal._indexer.reset()
    assert not journal.index_ready
    assert {q: [h.id for h in journal.search(q)] for q in after} == after


def test_a_record_saved_many_times_between_searches_is_found_as_last_saved(journal: Journal) -> None:
    """A live session is saved several times a second as it is typed: the index takes each
    edited record in once, as it is at the next search, and answers as the scan would."""
    pair = journal.add_pair("Ana Ruiz", "mentee")
    session = journal.start_session(pair.id)
    other = journal.add_takeaway(pair.id, "Dashboards for the quarterly review")
    journal.build_index()
    index = journal._index
    assert isinstance(index, TextIndex)
    rows = index.rows
    for n in range(40):
        session.notes += f" draft{n}"
        journal.save(session)
    other.text = "Spreadsheets for the quarterly review"
    journal.save(other)
    assert [h.id for h in journal.search("draft39")] == [session.id]
    assert [h.id for h in journal.search("draft0")] == [session.id]
    assert journal.search("dashboards") == []
    assert [h.id for h in journal.search("spreadsheets")] == [other.id]
    assert index.rows == rows + 2  # each edited record once, not once a save
    journal.delete(other)
    assert journal.search("spreadsheets") == []
    session.notes = "rewritten"
    journal.save(session)
    assert journal.search("draft0") == [] and [h.id for h in journal.search("rewrit")] == [session.id]
    # The scan agrees.
    journal._indexer.reset()
    assert journal.search("draft0") == [] and [h.id for h in journal.search("rewrit")] == [session.id]


def test_building_the_index_writes_no_file_anywhere(
    journal: Journal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pair = journal.add_pair("Ana Ruiz", "mentee")
    journal.save_many([])
    for n in range(300):
        journal.add_takeaway(pair.id, f"takeaway {n} about marker{n:03d}x and dashboards")
    folder = journal.path.parent
    # A temporary folder of this test's own, where Python's and SQLite's temporary files
    # would go: the shared one changes under other tests running beside this one.
    temp = tmp_path / "temp"
    temp.mkdir()
    for variable in ("TMPDIR", "SQLITE_TMPDIR"):
        monkeypatch.setenv(variable, str(temp))
    monkeypatch.setattr(tempfile, "tempdir", str(temp))

    def files() -> set[str]:
        found = {str(p) for p in folder.rglob("*")}
        with os.scandir(temp) as entries:
            found |= {e.path for e in entries}
        return found

    before = files()
    journal.build_index()
    assert journal.index_ready
    assert [h.kind for h in journal.search("marker012x")] == ["takeaway"]
    assert files() == before
    # The index's database is SQLite's in-memory one, with no file behind it.
    index = journal._indexer.index
    assert index is not None
    assert [row[2] for row in index._db.execute("PRAGMA database_list")] == ["", ""]


# -- snippets: the window around the first match gives the excerpt of the whole text -------

_words = st.text(alphabet="abcdeXYZ", min_size=1, max_size=24)
_gaps = st.sampled_from([" ", "  ", "\n", " \t ", ", ", " " * 40, "\n\n\n"])


@settings(max_examples=300, deadline=None)
@given(
    parts=st.lists(st.tuples(_words, _gaps), min_size=1, max_size=80),
    picks=st.lists(st.integers(min_value=0, max_value=79), min_size=1, max_size=3),
    width=st.sampled_from([20, 70]),
)
def test_a_snippet_is_the_excerpt_of_the_whole_text(parts: list[tuple[str, str]], picks: list[int], width: int) -> None:
    from pairjournal.journal.search import _excerpt, snippet, tokens

    text = "".join(word + gap for word, gap in parts)
    query = " ".join(parts[i % len(parts)][0][:5] for i in picks)
    terms = tokens(query)
    assert snippet(text, query, width) == (_excerpt(text, terms, width) or "")
