"""The coordinator's program report over a generated program of real journals and their signed exports.

The program is built once for the module (program_world.py): 13 linked pairs in
two programs, both partners exporting, with receipts, author-recorded consent, and
one pair whose two journals disagree. Every number is checked against what the
journals hold; every refusal reason is produced with a real file.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT
from pairjournal.cli import cli as root
from pairjournal.journal import Journal
from pairjournal.model import ShareScope
from pairjournal.program import render, report, roster, suppression
from pairjournal.program.suppression import Cell, Sum
from pairjournal.sharing import cards, consent, signing
from pairjournal.vault.crypto import KdfParams
from program_world import RATINGS, TODAY, PairSpec, World, build_pair, build_program, export_file, texts, truth

SCHEMA = json.loads((ROOT / "docs" / "report.schema.json").read_text())
SPECS = (
    # Agreements both partners signed, with objectives and progress the partner approved (receipts).
    [PairSpec("Digital fluency", "spring", ratings=("achieved", "progressing"), recognitions=1) for _ in range(5)]
    + [PairSpec("Digital fluency", "spring", ratings=("achieved", "emerging", "not-rated"))]
    + [PairSpec("Digital fluency", "autumn") for _ in range(2)]
    # ... and with consent the author recorded.
    + [PairSpec("Security habits", "one", signed=0, recorded=1, ratings=("progressing",)) for _ in range(4)]
    + [PairSpec("Security habits", "one", signed=0, recorded=1, mentor_sessions=2, ratings=("progressing",))]
)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    built = build_program(tmp_path_factory.mktemp("program"), SPECS)
    yield built
    built.close()


@pytest.fixture(scope="module")
def built(world: World) -> report.Built:
    return report.build([world.exports], roster.load(world.roster_path))


def _program(result: dict[str, Any], name: str) -> dict[str, Any]:
    return next(p for p in result["programs"] if p["name"] == name)


def _cohort(result: dict[str, Any], program: str, name: str) -> dict[str, Any]:
    return next(c for c in _program(result, program)["cohorts"] if c["name"] == name)


# -- numbers against the journals ----------------------------------------------------------------------------


def test_totals_match_what_the_journals_hold(world: World, built: report.Built) -> None:
    result = built.report
    assert result["files_seen"] == result["files_verified"] == result["files_counted"] == 26
    assert result["refused"] == []
    expected = truth(world)
    totals = result["totals"]
    for name, value in expected.items():
        if not name.startswith("progress:"):
            assert built.cells[(("all",), name)].value == value, name
            assert totals[name] in (value, None), name
    # Digital fluency's 0 consents recorded by its authors would say its small cohort has none either: withheld.
    assert totals["consent_author"] is None and _program(result, "Digital fluency")["consent_author"] is None
    assert totals["pairs"] == 13  # 26 exports, both partners of each pair: each pair counted once
    assert totals["sessions_expected"] == 13 * 6
    security = [p for p in world.pairs if p.spec.program == "Security habits"]
    mine = truth(world, security)
    program = _program(result, "Security habits")
    for name, value in mine.items():
        if not name.startswith("progress:"):
            assert built.cells[(("program", "Security habits"), name)].value == value, name
            assert program[name] in (value, None), name
    # Each Security pair: a takeaway, an objective and two progress entries, consent recorded by the author.
    assert program["consent_author"] == 5 * 4 and program["consent_signed"] == 0
    # Digital fluency: 8 takeaways, and in spring 13 objectives, 24 progress entries and 5 recognitions.
    assert _program(result, "Digital fluency")["consent_signed"] == 8 + 13 + 24 + 5


def test_objectives_by_rating_match_the_journals(world: World, built: report.Built) -> None:
    expected = truth(world)
    totals = built.report["totals"]
    assert totals["objectives"] == expected["objectives"] == 18
    shown = {row["level"]: row for row in totals["progress"]}
    # Latest rating wins: every rated objective was "emerging" first.
    assert shown["achieved"]["objectives"] == expected["progress:achieved"] == 6
    assert shown["progressing"]["objectives"] == expected["progress:progressing"] == 10
    # One pair alone has an emerging objective and one with no shared rating: hidden, never a number.
    for level in ("emerging", "not-rated", "not-started"):
        assert shown[level]["objectives"] is None and "pairs" in shown[level]["objectives_reason"], level
    # Spring's cells are withheld beside autumn's (nothing shared there); the cells behind them still hold the truth.
    mine = truth(world, [p for p in world.pairs if p.spec.cohort == "spring"])
    spring = ("cohort", "Digital fluency", "spring")
    assert built.cells[(spring, "objectives")].value == mine["objectives"] == 13
    assert built.cells[(spring, ("progress", "achieved"))].value == mine["progress:achieved"] == 6
    assert built.cells[(("program", "Digital fluency"), "objectives")].value == 13
    assert totals["objectives"] == 18
    security = _program(built.report, "Security habits")
    # 5 objectives, 5 of them progressing, would make its other ratings 0, and "achieved" of all programs
    # Digital fluency's: one of the two is withheld.
    assert built.cells[(("program", "Security habits"), ("progress", "progressing"))].value == 5
    assert None in (security["objectives"], {r["level"]: r["objectives"] for r in security["progress"]}["progressing"])
    # Every cell drawn on agrees with the journals, shown or not.
    for rating in RATINGS:
        assert built.cells[(("all",), ("progress", rating))].value == expected[f"progress:{rating}"], rating


def test_shared_texts_are_what_the_journals_share(world: World, built: report.Built) -> None:
    shown = sorted((t["kind"], t["text"]) for entry in built.report["shared_texts"] for t in entry["items"] or [])
    assert shown == texts(world)
    assert built.report["totals"]["recognitions"] == truth(world)["recognitions"] == 5
    security = next(e for e in built.report["shared_texts"] if e["program"] == "Security habits")["items"]
    assert {t["consent"] for t in security} == {"author"}


def test_a_pair_whose_two_exports_disagree_is_flagged_and_counted_once_with_the_fewer_sessions(
        world: World, built: report.Built) -> None:
    odd = world.pairs[-1]
    flags = built.report["disagreements"]
    assert [sorted(Path(f).name for f in d["files"]) for d in flags] == [
        sorted(p.name for p in odd.files)]
    assert flags[0]["differences"] == ["sessions held"]
    # Four pairs with 4 sessions, the odd one counted with its mentor's 2.
    assert _program(built.report, "Security habits")["sessions_held"] == 4 * 4 + 2


def test_adherence_bands_and_shared_texts(built: report.Built) -> None:
    bands = {row["band"]: row for row in built.report["totals"]["adherence"]}
    # 12 pairs held 4 of 6 expected; shown beside "13 pairs", the odd pair's band could be at most 1: withheld.
    assert built.cells[(("all",), ("adherence", "50-79"))].value == 12
    assert bands["50-79"]["pairs"] is None
    assert bands["50-79"]["pairs_reason"] == "withheld to protect a cell of fewer than 5 pairs"
    assert bands["under-50"]["pairs"] is None  # the odd pair alone: 2 of 6
    assert bands["under-50"]["pairs_reason"] == "fewer than 5 pairs"
    texts = {t["program"]: t for t in built.report["shared_texts"]}
    fluency = texts["Digital fluency"]["items"]
    assert len(fluency) == 8 + 5 and all(t["consent"] == "partner" for t in fluency)
    assert "Pair 1 learned <b>thing 0</b>" in {t["text"] for t in fluency}
    # Autumn has fewer than 5 pairs: Digital fluency's texts name no pair (they would count autumn's and
    # spring's withheld takeaways); Security habits' one cohort shows its counts, so its texts name their pairs.
    assert {t["pair"] for t in fluency} == {None}
    assert texts["Digital fluency"]["pairs_reason"] == "shown without pairs: a cohort of this program has fewer than 5 pairs"
    assert {t["pair"] for t in texts["Security habits"]["items"]} >= {"Mentee 9 & Mentor 9"}


# -- k-anonymity -------------------------------------------------------------------------------------------------


def test_no_cell_shown_is_drawn_from_fewer_than_k_pairs(built: report.Built) -> None:
    for key, cell in built.cells.items():
        if cell.pairs < 5:
            assert key in built.hidden, key
    autumn = _cohort(built.report, "Digital fluency", "autumn")
    assert autumn["pairs"] is None and autumn["pairs_reason"] == "fewer than 5 pairs"
    assert autumn["sessions_held"] is None and autumn["sessions_held_reason"] == "fewer than 5 pairs"


def test_no_suppressed_cell_can_be_worked_out_by_subtraction(built: report.Built) -> None:
    fluency = _program(built.report, "Digital fluency")
    spring = _cohort(built.report, "Digital fluency", "spring")
    # 8 pairs shown for the program; spring (6 pairs) alone would give autumn away as 8 - 6.
    assert fluency["pairs"] == 8
    assert spring["pairs"] is None and spring["pairs_reason"] == "withheld to protect a cell of fewer than 5 pairs"
    assert suppression.recoverable(built.cells, built.sums, built.hidden) == []
    for relation in built.sums:
        members = [m for m in relation.members if m in built.cells]
        assert sum(m in built.hidden for m in members) != 1, relation


def test_complementary_suppression_on_small_tables() -> None:
    # One total of two parts: hiding the small part alone leaves it as total minus the other.
    cells = {"t": Cell(10, 10), "a": Cell(7, 7), "b": Cell(3, 3)}
    sums = [Sum("t", ("a", "b"))]
    assert suppression.recoverable(cells, sums, ["b"]) == ["b"]
    hidden = suppression.suppress(cells, sums, 5)
    assert hidden == {"b": suppression.PRIMARY, "a": suppression.COMPLEMENTARY}
    # A two-way table (rows and columns add up): hiding two cells of one row still leaks through the columns.
    values = {("r1", "c1"): (2, 2), ("r1", "c2"): (6, 6), ("r2", "c1"): (6, 6), ("r2", "c2"): (6, 6)}
    grid = {k: Cell(*v) for k, v in values.items()}
    for r in ("r1", "r2"):
        grid[(r, "all")] = Cell(sum(values[(r, c)][0] for c in ("c1", "c2")), 12)
    for c in ("c1", "c2"):
        grid[("all", c)] = Cell(sum(values[(r, c)][0] for r in ("r1", "r2")), 12)
    grid[("all", "all")] = Cell(20, 20)
    rows = [Sum((r, "all"), ((r, "c1"), (r, "c2"))) for r in ("r1", "r2", "all")]
    cols = [Sum(("all", c), (("r1", c), ("r2", c))) for c in ("c1", "c2", "all")]
    hidden = suppression.suppress(grid, rows + cols, 5)
    assert ("r1", "c1") in hidden and len(hidden) >= 4
    assert suppression.recoverable(grid, rows + cols, hidden) == []
    # With two cells hidden in the row only, the column still gives the first back.
    assert ("r1", "c1") in suppression.recoverable(grid, rows + cols, [("r1", "c1"), ("r1", "c2")])


def _attack(cells: dict[Any, Cell], sums: list[Sum], hidden: Any) -> dict[Any, int]:
    """What someone reading the shown cells works out, knowing that counts are never negative: a sum with one
    unknown member gives it by subtraction, and a shown total whose shown parts already reach it makes every
    unknown part 0. Repeated until nothing more comes out."""
    relations = [s for s in sums if all(m in cells for m in s.members)]
    known = {k: c.value for k, c in cells.items() if k not in hidden}
    learned: dict[Any, int] = {}
    changed = True
    while changed:
        changed = False
        for relation in relations:
            unknown = [m for m in relation.members if m not in known]
            if len(unknown) == 1:
                (key,) = unknown
                rest = sum(known[p] for p in relation.parts if p in known)
                value = rest if key == relation.total else known[relation.total] - rest
            elif unknown and relation.total in known and \
                    known[relation.total] == sum(known[p] for p in relation.parts if p in known):
                key, value = unknown[0], 0
            else:
                continue
            known[key] = learned[key] = value
            changed = True
    return learned


def test_no_suppressed_cell_can_be_worked_out_knowing_counts_are_never_negative(built: report.Built) -> None:
    # Security habits shows 5 objectives and 5 of them progressing: its other ratings are all 0, and then
    # "all programs: achieved 6" would give Digital fluency's achieved away (6 - 0).
    assert _attack(built.cells, built.sums, built.hidden) == {}
    assert suppression.recoverable(built.cells, built.sums, built.hidden) == []
    for key, (low, high) in suppression.intervals(built.cells, built.sums, built.hidden).items():
        assert low < high, key


def test_a_zero_remainder_gives_every_hidden_part_away() -> None:
    # t = a + b + c shows 7 = 7 + b + c: b and c are 0; then s = b + d + e gives d = 9 - 0 - 5 = 4 (4 pairs).
    cells = {"t": Cell(7, 7), "a": Cell(7, 7), "b": Cell(0, 0), "c": Cell(0, 0),
             "s": Cell(9, 9), "d": Cell(4, 4), "e": Cell(5, 5)}
    sums = [Sum("t", ("a", "b", "c")), Sum("s", ("b", "d", "e"))]
    primary = ["b", "c", "d"]
    assert _attack(cells, sums, primary) == {"b": 0, "c": 0, "d": 4}
    assert suppression.recoverable(cells, sums, primary) == ["b", "c", "d"]
    hidden = suppression.suppress(cells, sums, 5)
    assert {k for k, why in hidden.items() if why == suppression.PRIMARY} == set(primary)
    assert _attack(cells, sums, hidden) == {}
    assert suppression.recoverable(cells, sums, hidden) == []
    bounds = suppression.intervals(cells, sums, hidden)
    assert bounds["d"][0] <= 3 and bounds["d"][1] >= 5  # d may be one less or one more, as far as anyone knows


def _can_be(grid: dict[Any, Cell], rows: int, cols: int, hidden: set[Any], key: Any, wanted: int) -> bool:
    """Whether a table of non-negative counts agreeing with every shown cell of a two-way table (rows, columns
    and all their totals) has `wanted` at `key`: a search over the inner cells, row by row."""
    if wanted < 0:
        return False
    shown = {k: c.value for k, c in grid.items() if k not in hidden}
    loose = max(c.value for c in grid.values()) + 2  # a cell no shown total bounds: any value up to this will do
    table: dict[Any, int] = {}

    def fits(r: int, c: int) -> bool:
        row = sum(table[(r, j)] for j in range(c + 1))
        col = sum(table[(i, c)] for i in range(r + 1))
        done = sum(table.values())
        for total, part, last in (((r, "all"), row, c == cols - 1), (("all", c), col, r == rows - 1),
                                  (("all", "all"), done, r == rows - 1 and c == cols - 1)):
            if total in shown and (part > shown[total] or (last and part != shown[total])):
                return False
        if r == rows - 1 and c == cols - 1:
            full = {**table, ("all", "all"): done}
            full.update({(i, "all"): sum(table[(i, j)] for j in range(cols)) for i in range(rows)})
            full.update({("all", j): sum(table[(i, j)] for i in range(rows)) for j in range(cols)})
            return full[key] == wanted
        return True

    def fill(index: int) -> bool:
        if index == rows * cols:
            return True
        r, c = divmod(index, cols)
        forced = set()  # the last cell of a row (or column) with a shown total takes what is left of it
        if c == cols - 1 and (r, "all") in shown:
            forced.add(shown[(r, "all")] - sum(table[(r, j)] for j in range(c)))
        if r == rows - 1 and ("all", c) in shown:
            forced.add(shown[("all", c)] - sum(table[(i, c)] for i in range(r)))
        if (r, c) == key:
            forced.add(wanted)
        if (r, c) in shown:
            forced.add(shown[(r, c)])
        if forced:
            options: Any = list(forced) if len(forced) == 1 and min(forced) >= 0 else []
        else:
            options = range(min([shown[t] for t in ((r, "all"), ("all", c), ("all", "all")) if t in shown],
                                default=loose) + 1)
        for value in options:
            table[(r, c)] = value
            if fits(r, c) and fill(index + 1):
                return True
        table.pop((r, c), None)
        return False

    return fill(0)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(2, 3), st.integers(2, 3), st.data())
def test_no_hidden_cell_of_a_random_small_table_has_one_possible_value(rows: int, cols: int,
                                                                      data: st.DataObject) -> None:
    k = 3
    inner = {(r, c): data.draw(st.sampled_from([0, 0, 1, 2, 3, 4, 5])) for r in range(rows) for c in range(cols)}
    grid = {key: Cell(v, v) for key, v in inner.items()}
    for r in range(rows):
        value = sum(inner[(r, c)] for c in range(cols))
        grid[(r, "all")] = Cell(value, value)
    for c in range(cols):
        value = sum(inner[(r, c)] for r in range(rows))
        grid[("all", c)] = Cell(value, value)
    grid[("all", "all")] = Cell(sum(inner.values()), sum(inner.values()))
    sums = [Sum((r, "all"), tuple((r, c) for c in range(cols))) for r in [*range(rows), "all"]]
    sums += [Sum(("all", c), tuple((r, c) for r in range(rows))) for c in [*range(cols), "all"]]
    hidden = suppression.suppress(grid, sums, k)
    assert all(key in hidden for key, cell in grid.items() if cell.pairs < k)
    for key, why in hidden.items():
        value = grid[key].value
        up, down = (_can_be(grid, rows, cols, set(hidden), key, value + step) for step in (1, -1))
        assert up or down, key  # a sum of counts takes its values on an interval: one next to it, or none other
        if why == suppression.PRIMARY:  # a protected cell may be one more, and one less unless it is 0
            assert up and (down or value == 0), key


def test_a_larger_k_hides_more_and_k_of_one_hides_only_empty_cells(world: World) -> None:
    people = roster.load(world.roster_path)
    big = report.build([world.exports], people, min_pairs=20).report
    assert big["totals"]["pairs"] is None and big["totals"]["pairs_reason"] == "fewer than 20 pairs"
    one = report.build([world.exports], people, min_pairs=1).report
    assert _cohort(one, "Digital fluency", "autumn")["pairs"] == 2


def test_two_ratings_of_one_objective_on_one_day_count_the_higher_not_the_later_in_the_alphabet(
        tmp_path: Path) -> None:
    # "achieved" and then "progressing" on the same day: as text, "progressing" sorts after "achieved".
    built = build_pair(tmp_path / "pair", 1, PairSpec("Digital fluency", "spring", signed=0, ratings=("achieved",)))
    try:
        pair = built.mentee.pairs()[0]
        objective = built.mentee.agreement(pair.id).objectives[0]  # type: ignore[union-attr]
        entry = built.mentee.add_progress(pair.id, objective.id, level="progressing", on=TODAY - timedelta(days=2),
                                          evidence="seen again", scope=ShareScope.COORDINATOR)
        consent.capture(built.mentee, entry, partner_how="in person")
        exports = tmp_path / "exports"
        exports.mkdir()
        export_file(built.mentee, exports / "mentee.json")
        people = roster.Roster()
        for journal in (built.mentee, built.mentor):
            roster.add(people, cards.parse_card(cards.make_card(journal)), program="Digital fluency", cohort="spring")
        result = report.build([exports], people, min_pairs=1)
    finally:
        built.mentee.close()
        built.mentor.close()
    assert result.cells[(("all",), ("progress", "achieved"))].value == 1
    assert result.cells[(("all",), ("progress", "progressing"))].value == 0


def test_no_pair_of_a_small_cohort_is_named_anywhere_in_the_report(tmp_path: Path) -> None:
    # Five pairs in one cohort, two in another: one pseudonymised, one whose two exports disagree. The roster
    # says who is in which cohort, so naming a small cohort's pairs beside their texts or their flags would
    # let a reader count what the suppressed cells hide.
    specs = [PairSpec("P", "big", recognitions=1) for _ in range(5)]
    specs += [PairSpec("P", "small", recognitions=1), PairSpec("P", "small", mentor_sessions=2)]
    small = build_program(tmp_path, specs)
    try:
        pseudonymised = export_file(small.pairs[5].mentee, small.exports / "pair-6-mentee-pseudonymised.json",
                                    pseudonymize=True)
        pseudonym = json.loads(pseudonymised.read_text())["payload"]["pair"]["ref"]
        result = report.build([small.exports], roster.load(small.roster_path))
    finally:
        small.close()
    assert _cohort(result.report, "P", "small")["pairs"] is None
    names = {"Mentee 6", "Mentor 6", "Mentee 7", "Mentor 7", pseudonym}
    for fmt in render.FORMATS:
        page = render.render(result.report, fmt).decode()
        assert not [name for name in names if name in page], fmt
        assert "one or more pairs in a cohort of fewer than 5 pairs" in page, fmt
    jsonschema.validate(json.loads(render.render(result.report, "json")), SCHEMA)
    entry = result.report["shared_texts"][0]
    # The texts are all there, none of them under a pair: counting a pair's texts would count a cohort's.
    assert len(entry["items"]) == 7 + 6 and {t["pair"] for t in entry["items"]} == {None}
    assert entry["pairs_reason"] == "shown without pairs: a cohort of this program has fewer than 5 pairs"
    assert result.report["disagreements"] == [
        {"pair": "one or more pairs in a cohort of fewer than 5 pairs", "files": [], "differences": []}]


# -- formats -------------------------------------------------------------------------------------------------------


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += [(name, value or "") for name, value in attrs]

    handle_startendtag = handle_starttag


def test_the_html_holds_no_script_no_handlers_and_no_javascript_urls(built: report.Built) -> None:
    page = render.render(built.report, "html").decode()
    parser = _Tags()
    parser.feed(page)
    assert "svg" in parser.tags and "table" in parser.tags
    assert "script" not in parser.tags
    assert not [name for name, _ in parser.attributes if name.lower().startswith("on")]
    assert not [value for _, value in parser.attributes if "javascript:" in value.lower().replace(" ", "")]
    assert "b" not in parser.tags  # a takeaway's "<b>" is shown as text, never obeyed
    assert "Pair 1 learned &lt;b&gt;thing 0&lt;/b&gt;" in page
    assert "default-src 'none'" in page
    assert "fewer than 5 pairs" in page


def test_the_json_follows_its_schema_and_the_formats_carry_the_same_numbers(built: report.Built) -> None:
    data = json.loads(render.render(built.report, "json"))
    jsonschema.validate(data, SCHEMA)
    assert data == json.loads(json.dumps(built.report))
    markdown = render.render(built.report, "md").decode()
    assert "| Pairs active | 13 | 8 | 5 |" in markdown
    assert "| Sessions held | 50 | 32 | 18 |" in markdown
    page = render.render(built.report, "html").decode()
    assert "<tr><td>Pairs active</td><td>13</td><td>8</td><td>5</td></tr>" in page


def test_the_schema_refuses_a_number_in_a_suppressed_cell_without_reason(built: report.Built) -> None:
    data = json.loads(json.dumps(built.report))
    cohort = data["programs"][0]["cohorts"][0]
    del cohort["pairs_reason"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, SCHEMA)


# -- refusals --------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def refusals(world: World, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("refusals")
    first, second = world.pairs[0], world.pairs[1]
    original = first.files[0]
    shutil.copy(original, folder / "copy-a.json")
    shutil.copy(original, folder / "copy-b.json")  # the same bytes twice
    text = original.read_text()
    (folder / "tampered.json").write_text(text.replace('"held": 4', '"held": 5', 1))
    (folder / "notes.txt").write_text("minutes of the kickoff meeting\n")
    stranger = Journal.create(tmp_path_factory.mktemp("stranger") / "stranger.pairjournal",
                              "correct horse battery staple", KdfParams.cheap())
    stranger.add_pair("Someone", "mentor", coordinator="Carla Mendes")
    export_file(stranger, folder / "stranger.json")
    stranger.close()
    export_file(second.mentee, folder / "second-page.md", "md")
    export_file(second.mentor, folder / "second-page.html", "html")
    (folder / "second-page-edited.md").write_text((folder / "second-page.md").read_text().replace("Mentor 2",
                                                                                                   "Mentor Two"))
    key = signing.ensure_key(second.mentee)
    payload = json.loads(second.files[0].read_text())["payload"]
    forged = json.loads(json.dumps(payload))
    forged["takeaways"][0]["text"] = "Words the partner never approved"
    (folder / "forged.json").write_bytes(signing.sign_json(key, forged))
    # The journal put back to an earlier state (a restored backup): its log numbers run again from there.
    earlier = json.loads(json.dumps(payload))
    earlier["generated"] = "2999-01-01T00:00:00+00:00"
    earlier["disclosure"]["seq"] = 0
    shutil.copy(second.files[0], folder / "second.json")
    (folder / "second-later-but-lower.json").write_bytes(signing.sign_json(key, earlier))
    result = report.build([folder], roster.load(world.roster_path)).report
    return {r["file"].rsplit("/", 1)[-1]: r for r in result["refused"]} | {"_report": result}


@pytest.mark.parametrize(("file", "code", "words"), [
    ("copy-b.json", "duplicate", "a copy of"),
    ("tampered.json", "tampered", "the file was changed"),
    ("notes.txt", "not-an-export", "not a signed pairjournal export"),
    ("stranger.json", "unknown-key", "not on the roster"),
    ("second-page-edited.md", "tampered", "the file was changed"),
    ("forged.json", "forged-receipt", "other bytes"),
    ("second-later-but-lower.json", "disclosure-log-backwards", "went backwards"),
])
def test_every_refusal_names_the_file_and_its_reason(refusals: dict[str, Any], file: str, code: str,
                                                     words: str) -> None:
    assert refusals[file]["code"] == code
    assert words in refusals[file]["reason"]


def test_only_the_good_files_count(refusals: dict[str, Any]) -> None:
    result = refusals["_report"]
    assert result["files_seen"] == 11
    assert len(result["refused"]) == 7
    assert result["files_counted"] == 2  # copy-a and second
    # Signatures that hold: copy-a, copy-b, second, second-later-but-lower (the last three refused after), the pages.
    assert result["files_verified"] == 6
    jsonschema.validate(result, SCHEMA)


def test_a_genuine_markdown_or_html_export_is_verified_not_counted_and_never_listed_as_refused(
        refusals: dict[str, Any]) -> None:
    result = refusals["_report"]
    apart = {Path(u["file"]).name: u for u in result["not_counted"]}
    assert set(apart) == {"second-page.md", "second-page.html"}
    assert apart["second-page.md"]["reason"] == (
        "a Markdown export by Mentee 2, genuine, but its numbers cannot be read: ask them for the JSON export "
        "(`pairjournal export --format json`)")
    assert apart["second-page.html"]["format"] == "html"
    assert apart["second-page.html"]["reason"].startswith("an HTML export by Mentor 2, genuine")
    assert not {"second-page.md", "second-page.html"} & set(refusals)
    markdown = render.render(result, "md").decode()
    section = markdown.split("## Verified, not counted")[1].split("## ")[0]
    assert "second-page.md" in section and "tampered" not in section
    assert "second-page-edited.md" in markdown.split("## Refused files")[1].split("## ")[0]
    assert "Verified, not counted" in render.render(result, "html").decode()


def test_receipts_by_a_key_not_on_the_roster_are_refused(world: World, tmp_path: Path) -> None:
    people = roster.load(world.roster_path)
    mentor_of_first = world.pairs[0].mentor
    fingerprint = signing.fingerprint(mentor_of_first)
    people.participants = [p for p in people.participants if p.fingerprint != fingerprint]
    result = report.build([world.pairs[0].files[0]], people).report
    assert [r["code"] for r in result["refused"]] == ["unknown-key"]
    assert "consent receipts are signed by" in result["refused"][0]["reason"]


# -- the commands ------------------------------------------------------------------------------------------------------


def _run(*args: str) -> Any:
    return CliRunner().invoke(root, list(args), catch_exceptions=False)


def test_roster_add_and_list_through_the_cli(world: World, tmp_path: Path) -> None:
    from pairjournal.sharing import cards

    card = tmp_path / "mentee.card"
    card.write_bytes(cards.make_card(world.pairs[0].mentee))
    path = tmp_path / "roster.toml"
    done = _run("program", "roster", "add", str(card), "--program", "Digital fluency", "--cohort", "spring",
                "--roster", str(path))
    assert done.exit_code == 0, done.output
    assert "Added Mentee 1" in done.stdout
    again = _run("program", "roster", "add", str(card), "--program", "Digital fluency", "--cohort", "spring",
                 "--roster", str(path))
    assert "Already on the roster" in again.stdout
    listed = _run("program", "roster", "list", "--roster", str(path), "--json")
    assert [p["name"] for p in json.loads(listed.stdout)] == ["Mentee 1"]
    assert roster.load(path).participants[0].fingerprint == signing.fingerprint(world.pairs[0].mentee)
    assert oct(path.stat().st_mode & 0o777) == "0o600"


def test_report_through_the_cli_with_a_progress_bar(world: World, tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    done = _run("program", "report", str(world.exports), "--roster", str(world.roster_path), "--format", "json",
                "--out", str(out))
    assert done.exit_code == 0, done.output
    assert "Verifying exports" in done.stderr
    assert "26 of 26 files verified" in done.stderr
    data = json.loads(out.read_text())
    jsonschema.validate(data, SCHEMA)
    assert data["totals"]["pairs"] == 13
    markdown = _run("program", "report", str(world.pairs[0].files[0]), "--roster", str(world.roster_path),
                    "--format", "md")
    assert markdown.exit_code == 0 and markdown.stdout.startswith("# Program report")
    assert "Verifying exports" not in markdown.stderr


@pytest.mark.parametrize("case", ["no-roster", "bad-toml", "edited-key", "no-such-file", "k-zero", "out-exists",
                                  "not-a-card", "empty-folder"])
def test_bad_input_is_one_line_and_a_non_zero_exit(world: World, tmp_path: Path, case: str) -> None:
    bad = tmp_path / "bad.toml"
    exports = str(world.pairs[0].files[0])
    good = str(world.roster_path)
    if case == "bad-toml":
        bad.write_text("[[participant]\nname = 1\n")
    if case == "edited-key":
        bad.write_text(world.roster_path.read_text().replace('fingerprint = "', 'fingerprint = "0', 1))
    existing = tmp_path / "exists.html"
    existing.write_text("keep me")
    (tmp_path / "empty").mkdir()
    args = {
        "no-roster": ["program", "report", exports, "--roster", str(tmp_path / "missing.toml")],
        "bad-toml": ["program", "report", exports, "--roster", str(bad)],
        "edited-key": ["program", "roster", "list", "--roster", str(bad)],
        "no-such-file": ["program", "report", str(tmp_path / "nothing-here"), "--roster", good],
        "k-zero": ["program", "report", exports, "--roster", good, "--min-pairs", "0"],
        "out-exists": ["program", "report", exports, "--roster", good, "--out", str(existing)],
        "not-a-card": ["program", "roster", "add", exports, "--program", "P", "--cohort", "C", "--roster",
                       str(tmp_path / "r.toml")],
        "empty-folder": ["program", "report", str(tmp_path / "empty"), "--roster", good],
    }[case]
    done = _run(*args)
    assert done.exit_code != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("pairjournal: error: "), done.stderr
    assert "Traceback" not in done.output
    assert existing.read_text() == "keep me"
    assert not (tmp_path / "r.toml").exists()


# -- a participant inflating the counts --------------------------------------------------------------------------------


def _with(world: World, *extra: Path) -> dict[str, Any]:
    files = sorted(world.exports.iterdir())
    return report.build([], roster.load(world.roster_path), files=[*files, *extra]).report


def test_two_exports_of_overlapping_periods_by_one_journal_count_once(world: World, tmp_path: Path) -> None:
    from program_world import END, START

    later = export_file(world.pairs[2].mentee, tmp_path / "pair-3-mentee-again.json",
                        start=START + timedelta(days=14), end=END)
    result = _with(world, later)
    # The newest export of the journal counts, in place of the older one: never both.
    instead = report.build([], roster.load(world.roster_path), files=[
        *(f for f in sorted(world.exports.iterdir()) if f.name != "pair-3-mentee.json"), later]).report
    for name in ("pairs", "sessions_held", "actions_created", "takeaways", "consent_signed"):
        assert result["totals"][name] == instead["totals"][name], name
    assert result["totals"]["sessions_held"] <= truth(world)["sessions_held"]
    assert [(Path(s["file"]).name, Path(s["by"]).name) for s in result["superseded"]] == [
        ("pair-3-mentee.json", later.name)]
    jsonschema.validate(result, SCHEMA)


def test_one_pair_exported_before_and_after_it_was_linked_counts_once(tmp_path: Path) -> None:
    from program_world import COORDINATOR, START, _journal

    mentee = _journal(tmp_path / "mentee.pairjournal", "Mentee L")
    mentor = _journal(tmp_path / "mentor.pairjournal", "Mentor L")
    pair = mentee.add_pair("Mentor L", "mentee", coordinator=COORDINATOR, start=START, cadence="biweekly")
    mentee.add_session(pair.id, on=START + timedelta(days=3), minutes=30)
    before = export_file(mentee, tmp_path / "before-linking.json")
    mentee.link_partner(pair.id, cards.parse_card(cards.make_card(mentor)), verified=True)
    after = export_file(mentee, tmp_path / "after-linking.json")
    kept = roster.Roster()
    for journal in (mentee, mentor):
        roster.add(kept, cards.parse_card(cards.make_card(journal)), program="P", cohort="C")
    result = report.build([], kept, files=[before, after], min_pairs=1).report
    assert [(Path(s["file"]).name, Path(s["by"]).name) for s in result["superseded"]] == [
        ("before-linking.json", "after-linking.json")]
    assert result["files_counted"] == 1 and result["totals"]["sessions_held"] == 1
    mentee.close()
    mentor.close()


def test_a_pseudonymised_export_beside_a_named_one_of_the_same_pair_counts_once(world: World,
                                                                              tmp_path: Path) -> None:
    hidden = export_file(world.pairs[3].mentee, tmp_path / "pair-4-pseudonymised.json", pseudonymize=True)
    result = _with(world, hidden)
    assert result["totals"]["pairs"] == 13
    assert result["totals"]["sessions_held"] == truth(world)["sessions_held"]
    assert [Path(s["by"]).name for s in result["superseded"]] == [hidden.name]


def test_a_pseudonymised_export_joins_its_partners_named_one(world: World, tmp_path: Path) -> None:
    # A pair of Security habits: its one cohort's counts are shown, so its texts are listed under their pairs.
    hidden = export_file(world.pairs[8].mentee, tmp_path / "pair-9-mentee.json", pseudonymize=True)
    files = [f for f in sorted(world.exports.iterdir()) if f.name != "pair-9-mentee.json"]
    result = report.build([], roster.load(world.roster_path), files=[*files, hidden]).report
    assert result["totals"]["pairs"] == 13 and result["superseded"] == []
    labels = {t["pair"] for e in result["shared_texts"] for t in e["items"] or []}
    assert "Mentee 9 & Mentor 9" not in labels  # the pair is shown under the pseudonym its mentee asked for
    assert any(label.startswith("Pair-") for label in labels if label)


def test_a_partners_export_re_signed_by_another_roster_key_is_refused_not_counted(world: World,
                                                                                  tmp_path: Path) -> None:
    # An autumn mentor's export (no receipts, no signed agreement) signed again by someone else on the roster.
    payload = json.loads(world.pairs[6].files[1].read_text())["payload"]
    payload["disclosure"]["seq"] = 999  # past the impostor's own log, so that check passes
    payload["generated"] = "2999-01-01T00:00:00+00:00"
    impostor = tmp_path / "resigned.json"
    impostor.write_bytes(signing.sign_json(signing.ensure_key(world.pairs[7].mentor), payload))
    result = _with(world, impostor)
    assert result["totals"]["pairs"] == 13
    refused = {Path(r["file"]).name: r for r in result["refused"]}
    assert refused["resigned.json"]["code"] == "partner-disowns"
    assert "names Mentee 7 as partner" in refused["resigned.json"]["reason"]
    jsonschema.validate(result, SCHEMA)


def test_terminal_escapes_in_names_never_reach_the_terminal_raw(built: report.Built) -> None:
    data = json.loads(json.dumps(built.report))
    data["programs"][0]["name"] = "Digital\x1b]52;c;aGk=\x07 \x9b31m fluency"
    data["shared_texts"][0]["items"][0]["text"] = "clear\x1b[2J screen"
    for fmt in ("md", "json", "html"):
        out = render.render(data, fmt).decode()
        assert not any(ch in out for ch in "\x1b\x07\x9b"), fmt
    assert json.loads(render.render(data, "json"))["programs"][0]["name"] == data["programs"][0]["name"]
