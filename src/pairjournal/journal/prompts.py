"""The built-in prompt library.

Built-in prompts live here in code, never in the journal file; a reflection
refers to one by its id, so ids are stable forever: ``<short-category>-NN``.
Retire a prompt by leaving its id unused rather than renumbering the others,
and append new ones at the end of their category.

The ideas come from published articles on workplace reverse mentoring; every
sentence is our own.
"""

from __future__ import annotations

from datetime import UTC, datetime

from pairjournal.model import Prompt, PromptCategory, PromptTiming, Role

__all__ = ["BUILTIN_PROMPTS", "SHORT_CATEGORY", "builtin_prompt", "prompts_for"]

# The fixed creation time of every built-in prompt, so they compare and sort stably.
_BUILTIN_CREATED = datetime(2026, 1, 1, tzinfo=UTC)

# The id prefix of each built-in category.
SHORT_CATEGORY: dict[PromptCategory, str] = {
    PromptCategory.LEADER: "leader",
    PromptCategory.MENTOR: "mentor",
    PromptCategory.CHECK_IN: "checkin",
    PromptCategory.LANGUAGE: "language",
    PromptCategory.REPAIR: "repair",
    PromptCategory.REVIEW: "review",
}

_B = PromptTiming.BEFORE
_D = PromptTiming.DURING
_A = PromptTiming.AFTER
_W = PromptTiming.BETWEEN
_MENTEE = Role.MENTEE
_MENTOR = Role.MENTOR
_EVERYONE = None

# (category, number, timing, for_role, text)
_LIBRARY: tuple[tuple[PromptCategory, int, PromptTiming, Role | None, str], ...] = (
    # Leader reflection, for the senior mentee: my assumptions, how I take feedback
    # from someone junior, and what I actually put to use.
    (PromptCategory.LEADER, 1, _A, _MENTEE,
     "What did my mentor say today that I did not expect? What had I assumed they would say instead?"),
    (PromptCategory.LEADER, 2, _W, _MENTEE,
     "Think of an idea I waved away recently. Would I have taken it more seriously if a peer of my own age had "
     "said it?"),
    (PromptCategory.LEADER, 3, _A, _MENTEE,
     "When my mentor pushed back today, what did I feel in the first few seconds, and what did I do next?"),
    (PromptCategory.LEADER, 4, _W, _MENTEE,
     "Name one thing I tried this week because of our sessions. What happened, and did anyone notice?"),
    (PromptCategory.LEADER, 5, _B, _MENTEE,
     "What question have I been too proud, or too busy, to ask? Write it down and bring it to the next session."),
    (PromptCategory.LEADER, 6, _A, _MENTEE,
     "Did I talk more than I listened today? Guess the split, and note one thing I would do differently."),
    (PromptCategory.LEADER, 7, _W, _MENTEE,
     "Which belief about how people early in their careers like to work am I most sure of? When did I last "
     "check it against a real person?"),
    (PromptCategory.LEADER, 8, _A, _MENTEE,
     "Have I told my mentor what I did with something they taught me? Plan when and how I will tell them."),
    # Mentor growth and boundaries, for the junior mentor: emotional labour kept
    # inside the agreed scope, confidence, and what I learn about the organisation.
    (PromptCategory.MENTOR, 1, _A, _MENTOR,
     "How much energy did today's session take from me? Was any of it spent on things outside what we agreed "
     "to cover?"),
    (PromptCategory.MENTOR, 2, _W, _MENTOR,
     "Is there a request I said yes to that sits outside our agreement? Write the sentence I could use to "
     "steer us back."),
    (PromptCategory.MENTOR, 3, _A, _MENTOR,
     "Which moment today did I feel sure of myself? What was I doing that made it work?"),
    (PromptCategory.MENTOR, 4, _A, _MENTOR,
     "What did I learn today about how decisions really get made here, or about who shapes them?"),
    (PromptCategory.MENTOR, 5, _W, _MENTOR,
     "Which topics from our sessions should not rest on me alone? Who else could my mentee turn to for them?"),
    (PromptCategory.MENTOR, 6, _B, _MENTOR,
     "What do I want this pairing to do for my own career, and have I said so to my partner?"),
    (PromptCategory.MENTOR, 7, _W, _MENTOR,
     "Is there a piece of work from our sessions I would like acknowledged in writing? Who could I ask, and how?"),
    (PromptCategory.MENTOR, 8, _A, _MENTOR,
     "Did I soften or hold back something I believe because of my partner's rank? What made it feel risky?"),
    # Check-in: how we are before what we did.
    (PromptCategory.CHECK_IN, 1, _D, _EVERYONE,
     "Before any updates: in a word or two, how is each of us arriving today?"),
    (PromptCategory.CHECK_IN, 2, _B, _EVERYONE,
     "What kind of week has it honestly been for me, and how might that colour today's conversation?"),
    (PromptCategory.CHECK_IN, 3, _D, _EVERYONE,
     "Is anything on your mind that might pull your attention away while we talk? Say it now so it can wait."),
    (PromptCategory.CHECK_IN, 4, _D, _EVERYONE,
     "Somewhere between drained and full of energy: where is each of us starting today, and what would help?"),
    (PromptCategory.CHECK_IN, 5, _B, _EVERYONE,
     "How do I hope to feel when this session ends: clearer, lighter, stretched, or something else?"),
    (PromptCategory.CHECK_IN, 6, _D, _EVERYONE,
     "Is there a feeling left over from last time, not a task, that we should name before we start?"),
    (PromptCategory.CHECK_IN, 7, _A, _EVERYONE,
     "How do I feel now compared with when we sat down, and what moment shifted it?"),
    # Language that opens doors: phrases and questions that invite candour.
    (PromptCategory.LANGUAGE, 1, _D, _EVERYONE,
     'Questions that start with "what" or "how" feel less like a test. Try: "What were you weighing when you '
     'decided that?"'),
    (PromptCategory.LANGUAGE, 2, _D, _EVERYONE,
     'Before you answer, play it back: "So what I am hearing is... have I got that right?"'),
    (PromptCategory.LANGUAGE, 3, _D, _EVERYONE,
     'Try asking: "What would you tell me if you were not worried about how it might land?"'),
    (PromptCategory.LANGUAGE, 4, _D, _MENTEE,
     'Ask your mentor: "What is one thing I do in meetings that you would quietly change?"'),
    (PromptCategory.LANGUAGE, 5, _D, _EVERYONE,
     'Disagree with a question, not a verdict: "I am not convinced yet. Could you show me an example?"'),
    (PromptCategory.LANGUAGE, 6, _B, _EVERYONE,
     'Pick one open question to bring today, such as: "What am I missing about how your team sees this?"'),
    (PromptCategory.LANGUAGE, 7, _D, _EVERYONE,
     'Near the end, try: "Shall we each say what we are taking away, so we know we heard the same thing?"'),
    (PromptCategory.LANGUAGE, 8, _D, _MENTOR,
     'Offer a choice: "Would it help if I showed you how I would do it, or would you rather try while I watch?"'),
    # Repair after a misstep: pause, name the impact, share intent, recommit.
    (PromptCategory.REPAIR, 1, _D, _EVERYONE,
     'If something lands badly, pause: "Can we stop for a moment? I think that came out wrong."'),
    (PromptCategory.REPAIR, 2, _A, _EVERYONE,
     "Describe the misstep plainly: what was said or done, and how it affected the other person or me."),
    (PromptCategory.REPAIR, 3, _W, _EVERYONE,
     "What was I actually trying to do in that moment? Put it in one sentence I could say without defending myself."),
    (PromptCategory.REPAIR, 4, _W, _EVERYONE,
     "What will I do differently next time, and how will my partner be able to tell?"),
    (PromptCategory.REPAIR, 5, _B, _EVERYONE,
     "Is anything unresolved from last session that I want to raise first? Draft my opening line."),
    (PromptCategory.REPAIR, 6, _A, _EVERYONE,
     "Now that we have talked it through, do I trust this pairing more, less or the same? What would raise it "
     "a notch?"),
    (PromptCategory.REPAIR, 7, _D, _EVERYONE,
     'Name it and own it: "I think what I said felt dismissive. That was not my aim. Here is what I meant."'),
    # Progress review against the agreement's observable objectives, with evidence.
    (PromptCategory.REVIEW, 1, _W, _EVERYONE,
     "For each objective, what can I point to that shows movement: a changed habit, a decision, a number, a document?"),
    (PromptCategory.REVIEW, 2, _B, _EVERYONE,
     "Reread our agreement. Are these still the right objectives, or has something more important turned up?"),
    (PromptCategory.REVIEW, 3, _W, _EVERYONE,
     "Give each objective a rating, and write down the single piece of evidence behind each one."),
    (PromptCategory.REVIEW, 4, _W, _EVERYONE,
     "Which action items did we finish, which did we drop, and what does that pattern tell us?"),
    (PromptCategory.REVIEW, 5, _A, _EVERYONE,
     "What would someone outside our pair notice has changed since we started? If nothing yet, what would the "
     "first sign be?"),
    (PromptCategory.REVIEW, 6, _W, _EVERYONE,
     "How many sessions have we held compared with what we planned, and what got in the way of the missed ones?"),
    (PromptCategory.REVIEW, 7, _B, _EVERYONE,
     "Before the review date: what is one thing we should stop, one to start and one to keep?"),
)


def _build_library() -> tuple[Prompt, ...]:
    return tuple(
        Prompt(
            id=f"{SHORT_CATEGORY[category]}-{number:02d}",
            text=text,
            category=category,
            timing=timing,
            for_role=role,
            builtin=True,
            created=_BUILTIN_CREATED,
        )
        for category, number, timing, role, text in _LIBRARY
    )


BUILTIN_PROMPTS: tuple[Prompt, ...] = _build_library()

_BY_ID: dict[str, Prompt] = {prompt.id: prompt for prompt in BUILTIN_PROMPTS}


def builtin_prompt(prompt_id: str) -> Prompt | None:
    """The built-in prompt with this id, or None."""
    return _BY_ID.get(prompt_id)


def prompts_for(timing: PromptTiming, role: Role | None) -> list[Prompt]:
    """Built-in prompts to offer at ``timing`` to someone in ``role``, in library order.

    Timing ANY (asked for, or on a prompt) matches every timing. A prompt with no
    role is for everyone; asking with ``role=None`` applies no role filter.
    """
    return [
        prompt
        for prompt in BUILTIN_PROMPTS
        if (timing == PromptTiming.ANY or prompt.timing == PromptTiming.ANY or prompt.timing == timing)
        and (role is None or prompt.for_role is None or prompt.for_role == role)
    ]
