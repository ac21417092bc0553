"""Reflections and prompts: private answers between sessions, to the built-in library or one's own."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from msgspec.structs import replace

from pairjournal.errors import UsageError
from pairjournal.journal.core import needs_records, required
from pairjournal.journal.prompts import BUILTIN_PROMPTS, builtin_prompt
from pairjournal.journal.sessions import SessionVerbs
from pairjournal.model import Pair, Prompt, PromptCategory, PromptTiming, Reflection

_ANSWERED = "answered-prompts"  # a key of the reflections' derived values
BEFORE_SESSION_DAYS = 2  # "before" prompts come up on home this close to a session


class ReflectionVerbs(SessionVerbs):
    @needs_records
    def reflections(self, pair_id: str | None = None) -> list[Reflection]:
        return list(self._records.ordered(Reflection, pair_id))

    def add_reflection(
        self,
        text: str,
        *,
        prompt_id: str | None = None,
        pair_id: str | None = None,
        title: str = "",
        tags: Iterable[str] = (),
    ) -> Reflection:
        """A private reflection. One that names no prompt and no pair needs no other record,
        so on a deferred journal (the CLI's `reflect`) it is written without loading any."""
        if prompt_id is None and pair_id is None:
            reflection = Reflection(text=required(text, "a reflection"), title=title, tags=list(tags))
            return self.save(reflection)
        return self._add_linked_reflection(text, prompt_id=prompt_id, pair_id=pair_id, title=title, tags=tags)

    @needs_records
    def _add_linked_reflection(
        self, text: str, *, prompt_id: str | None, pair_id: str | None, title: str, tags: Iterable[str]
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
    def edit_reflection(self, reflection_id: str, **changes: object) -> Reflection:
        """Changes a reflection's text, title or tags."""
        reflection = self.get(Reflection, reflection_id)
        unknown = set(changes) - {"text", "title", "tags", "starred"}
        if unknown:
            raise UsageError(f"a reflection has no field {sorted(unknown)[0]!r} to edit")
        edited = replace(reflection, **changes)
        edited.text = required(edited.text, "a reflection")
        edited.tags = list(edited.tags)
        return self.save(edited)

    @needs_records
    def delete_reflection(self, reflection_id: str) -> Reflection:
        reflection = self.get(Reflection, reflection_id)
        self.delete(reflection)
        return reflection

    @needs_records
    def edit_prompt(
        self, prompt_id: str, *, text: str | None = None, timing: PromptTiming | str | None = None
    ) -> Prompt:
        """Changes one of my own prompts (the built-in library is not mine to change)."""
        prompt = self._own_prompt(prompt_id)
        if text is not None:
            prompt.text = required(text, "a prompt")
        if timing is not None:
            prompt.timing = PromptTiming(timing)
        return self.save(prompt)

    @needs_records
    def delete_prompt(self, prompt_id: str) -> Prompt:
        """Deletes one of my own prompts; reflections that answered it keep their text."""
        prompt = self._own_prompt(prompt_id)
        self.delete(prompt)
        return prompt

    def _own_prompt(self, prompt_id: str) -> Prompt:
        if builtin_prompt(prompt_id) is not None:
            raise UsageError("built-in prompts are part of pairjournal; write your own to change the wording")
        return self.get(Prompt, prompt_id)

    # -- prompts at their moment ------------------------------------------------------------

    def _for_pair(self, pair: Pair, timing: PromptTiming) -> list[Prompt]:
        return [p for p in self.prompts() if p.timing is timing and (p.for_role is None or p.for_role is pair.role)]

    def _answered(self) -> set[str]:
        return self._records.derived(
            Reflection, _ANSWERED, lambda: {r.prompt_id for r in self._records.all(Reflection) if r.prompt_id}
        )

    @needs_records
    def prompts_waiting(self, pair_id: str, *, limit: int = 3, today: date | None = None) -> list[Prompt]:
        """Prompts for this pair's role not yet answered: between-session and after-session ones,
        and, when the next session is due within two days, the ones for before it."""
        pair = self.get(Pair, pair_id)
        answered = self._answered()
        order = {PromptTiming.BETWEEN: 0, PromptTiming.AFTER: 1, PromptTiming.BEFORE: 2}
        due = self.next_session_due(pair.id)
        day = today or date.today()
        if due is None or (due - day).days > BEFORE_SESSION_DAYS:
            del order[PromptTiming.BEFORE]
        waiting = [
            p
            for p in self.prompts()
            if p.id not in answered and (p.for_role is None or p.for_role is pair.role)
            and p.timing in order
        ]
        return sorted(waiting, key=lambda p: order[p.timing])[:limit]

    @needs_records
    def prompts_during(self, pair_id: str) -> list[Prompt]:
        """Prompts for the middle of a session (opening language, repair), shown in its strip.
        Check-in prompts are offered at the check-in instead (checkin_prompts)."""
        return [p for p in self._for_pair(self.get(Pair, pair_id), PromptTiming.DURING)
                if p.category is not PromptCategory.CHECK_IN]

    @needs_records
    def checkin_prompts(self, pair_id: str) -> list[Prompt]:
        """Check-in prompts: offered at every session; answering one does not retire it."""
        pair = self.get(Pair, pair_id)
        return [
            p for p in self.prompts()
            if p.category is PromptCategory.CHECK_IN and (p.for_role is None or p.for_role is pair.role)
        ]

    @needs_records
    def closing_prompts(self, pair_id: str, *, limit: int = 3) -> list[Prompt]:
        """What ending a pair offers: progress-review prompts, and mentor-growth ones for a mentor."""
        pair = self.get(Pair, pair_id)
        closing = (PromptCategory.REVIEW, PromptCategory.MENTOR)
        return [
            p for p in self.prompts()
            if p.category in closing and (p.for_role is None or p.for_role is pair.role)
        ][:limit]


__all__ = ["ReflectionVerbs"]
