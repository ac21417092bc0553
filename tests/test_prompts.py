"""The built-in prompt library: stable ids, enough prompts, our own words, filtering."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from pairjournal.journal.prompts import BUILTIN_PROMPTS, SHORT_CATEGORY, builtin_prompt, prompts_for
from pairjournal.model import Prompt, PromptCategory, PromptTiming, Role

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
RUN = 8  # no run of this many consecutive words may match a seed


def _words(text: str) -> list[str]:
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    return re.findall(r"[a-z0-9]+(?:'[a-z]+)?", text)


def _runs(words: list[str], n: int = RUN) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def test_ids_are_unique_and_stable_format() -> None:
    ids = [prompt.id for prompt in BUILTIN_PROMPTS]
    assert len(ids) == len(set(ids))
    for prompt in BUILTIN_PROMPTS:
        assert re.fullmatch(r"(leader|mentor|checkin|language|repair|review)-\d{2}", prompt.id), prompt.id
        assert prompt.id.startswith(SHORT_CATEGORY[prompt.category] + "-")


def test_some_ids_never_change() -> None:
    # Reflections refer to built-ins by id: these must keep their meaning.
    assert builtin_prompt("leader-01").category is PromptCategory.LEADER
    assert builtin_prompt("repair-01").category is PromptCategory.REPAIR
    assert builtin_prompt("checkin-01").category is PromptCategory.CHECK_IN


def test_every_category_has_at_least_six() -> None:
    counts = Counter(prompt.category for prompt in BUILTIN_PROMPTS)
    for category in SHORT_CATEGORY:
        assert counts[category] >= 6, category
    assert PromptCategory.CUSTOM not in counts


def test_prompts_are_builtin_and_well_formed() -> None:
    created = {prompt.created for prompt in BUILTIN_PROMPTS}
    assert len(created) == 1 and next(iter(created)).tzinfo is not None
    for prompt in BUILTIN_PROMPTS:
        assert isinstance(prompt, Prompt)
        assert prompt.builtin is True
        assert prompt.text.strip() == prompt.text
        assert 0 < len(prompt.text) < 300, prompt.id
        assert "\n" not in prompt.text
        assert prompt.timing in PromptTiming


def test_role_audiences_fit_categories() -> None:
    for prompt in BUILTIN_PROMPTS:
        if prompt.category is PromptCategory.LEADER:
            assert prompt.for_role is Role.MENTEE, prompt.id
        if prompt.category is PromptCategory.MENTOR:
            assert prompt.for_role is Role.MENTOR, prompt.id


def test_builtin_prompt_lookup() -> None:
    for prompt in BUILTIN_PROMPTS:
        assert builtin_prompt(prompt.id) is prompt
    assert builtin_prompt("leader-99") is None
    assert builtin_prompt("") is None


def test_no_sentences_copied_from_the_seeds() -> None:
    if not SEEDS.is_dir():
        pytest.skip(f"seed articles not found at {SEEDS}")
    seed_runs: set[tuple[str, ...]] = set()
    for path in sorted(SEEDS.iterdir()):
        if path.is_file():
            seed_runs |= _runs(_words(path.read_text(encoding="utf-8", errors="replace")))
    assert seed_runs, "no seed text was read"
    for prompt in BUILTIN_PROMPTS:
        shared = _runs(_words(prompt.text)) & seed_runs
        assert not shared, f"{prompt.id} shares {' '.join(sorted(shared)[0])!r} with a seed"


def test_prompts_for_filters_by_timing() -> None:
    after = prompts_for(PromptTiming.AFTER, None)
    assert after and all(p.timing in (PromptTiming.AFTER, PromptTiming.ANY) for p in after)
    assert prompts_for(PromptTiming.ANY, None) == list(BUILTIN_PROMPTS)
    for timing in (PromptTiming.BEFORE, PromptTiming.DURING, PromptTiming.AFTER, PromptTiming.BETWEEN):
        expected = [p for p in BUILTIN_PROMPTS if p.timing in (timing, PromptTiming.ANY)]
        assert prompts_for(timing, None) == expected
        assert expected, timing


def test_prompts_for_filters_by_role() -> None:
    for role in Role:
        offered = prompts_for(PromptTiming.ANY, role)
        assert all(p.for_role in (role, None) for p in offered)
        assert {p.id for p in offered} == {p.id for p in BUILTIN_PROMPTS if p.for_role in (role, None)}
    mentee = {p.id for p in prompts_for(PromptTiming.AFTER, Role.MENTEE)}
    mentor = {p.id for p in prompts_for(PromptTiming.AFTER, Role.MENTOR)}
    assert any(i.startswith("leader-") for i in mentee) and not any(i.startswith("mentor-") for i in mentee)
    assert any(i.startswith("mentor-") for i in mentor) and not any(i.startswith("leader-") for i in mentor)
    # Prompts for everyone reach both roles.
    assert {p.id for p in prompts_for(PromptTiming.DURING, Role.MENTOR) if p.for_role is None} == {
        p.id for p in prompts_for(PromptTiming.DURING, Role.MENTEE) if p.for_role is None
    }


def test_prompts_for_keeps_library_order() -> None:
    order = {p.id: i for i, p in enumerate(BUILTIN_PROMPTS)}
    offered = [order[p.id] for p in prompts_for(PromptTiming.BETWEEN, Role.MENTOR)]
    assert offered == sorted(offered)


def test_prompts_for_accepts_plain_strings() -> None:
    # StrEnum values round-trip through storage as strings.
    assert prompts_for("after", "mentee") == prompts_for(PromptTiming.AFTER, Role.MENTEE)  # type: ignore[arg-type]
