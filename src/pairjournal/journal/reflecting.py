"""Reflections and prompts: private answers between sessions, to the built-in library or one's own."""

from __future__ import annotations

from collections.abc import Iterable

from pairjournal.journal.core import needs_records, required
from pairjournal.journal.prompts import BUILTIN_PROMPTS, builtin_prompt
from pairjournal.journal.sessions import SessionVerbs
from pairjournal.model import Pair, Prompt, PromptCategory, PromptTiming, Reflection

_ANSWERED = "answered-prompts"  # a key of the reflections' derived values


class ReflectionVerbs(SessionVerbs):
    @needs_records
    def reflections(self, pair_id: str | None = None) -> list[Reflection]:
        return list(self._records.ordered(Reflection, pair_id))

    @needs_records
    def add_reflection(
        self,
        text: str,
        *,
        prompt_id: str | None = None,
        pair_id: str | None = None,
        title: str = "",
        tags: Iterable[str] = (),
    ) -> Reflection:
        if prompt_id is not None:
            prompt_id = self.prompt(prompt_id).id
        if pair_id is not None:
            pair_id = self.get(Pair, pair_id).id
        reflection = Reflection(
            text=required(text, "a reflection"), prompt_id=prompt_id, pair_id=pair_id, title=title, tags=list(tags)
        )
        return self.save(reflection)

    @needs_records
    def prompts(self) -> list[Prompt]:
        custom = sorted(self._records.all(Prompt), key=lambda p: p.created)
        return [*BUILTIN_PROMPTS, *custom]

    @needs_records
    def prompt(self, prompt_id: str) -> Prompt:
        found = builtin_prompt(prompt_id)
        return found if found is not None else self.get(Prompt, prompt_id)

    @needs_records
    def add_prompt(self, text: str, *, timing: PromptTiming | str = PromptTiming.ANY) -> Prompt:
        prompt = Prompt(text=required(text, "a prompt"), category=PromptCategory.CUSTOM, timing=PromptTiming(timing))
        return self.save(prompt)

    @needs_records
    def prompts_waiting(self, pair_id: str, *, limit: int = 3) -> list[Prompt]:
        """Prompts for this pair's role not yet answered, the between-session ones first."""
        pair = self.get(Pair, pair_id)
        answered = self._records.derived(
            Reflection, _ANSWERED, lambda: {r.prompt_id for r in self._records.all(Reflection) if r.prompt_id}
        )
        order = {PromptTiming.BETWEEN: 0, PromptTiming.AFTER: 1, PromptTiming.BEFORE: 2}
        waiting = [
            p
            for p in self.prompts()
            if p.id not in answered and (p.for_role is None or p.for_role is pair.role)
            and p.timing in order
        ]
        return sorted(waiting, key=lambda p: order[p.timing])[:limit]


__all__ = ["ReflectionVerbs"]
