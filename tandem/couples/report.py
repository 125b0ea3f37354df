"""The couple report, worked out from both partners' own responses whenever it is shown.

Everything is put in the viewer's frame with the engine's :func:`compare_partners` (the
viewer is partner A): a positive balance means "you give more". Views meet when they are
within the instrument's ``comparison.agree_within`` of each other, the engine's figure for
how far two answers may lie apart before the difference means anything; item by item the
same figure is used on the single answers. Nothing here reads flags or safety answers, and
the report never lists either partner's answers or individual results.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tandem.couples import words
from tandem.instruments import Instrument, compare_partners, library

__all__ = ["BalanceView", "CoupleReport", "ItemView", "PlanStep", "couple_report"]


@dataclass(frozen=True)
class BalanceView:
    key: str
    title: str
    group: str  # "resources", "responsibility", "control" or "other"
    mine: float | None  # -3..+3, positive: "you give more"
    theirs: float | None  # the partner's view, in the same frame
    meet: bool | None
    together: float | None
    leans: str | None  # "you", "partner", "balanced"
    my_words: str
    their_words: str
    starter: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "scale": self.key,
            "title": self.title,
            "group": self.group,
            "your_view": None if self.mine is None else round(self.mine, 2),
            "partner_view": None if self.theirs is None else round(self.theirs, 2),
            "views_meet": self.meet,
            "together": None if self.together is None else round(self.together, 2),
            "leans": self.leans,
            "your_view_words": self.my_words,
            "partner_view_words": self.their_words,
            "conversation_starter": self.starter,
        }


@dataclass(frozen=True)
class SeenView:
    """A scale that is not a balance (strengths seen): each partner's 0-100 score."""

    key: str
    title: str
    description: str
    mine: float | None
    theirs: float | None
    meet: bool | None


@dataclass(frozen=True)
class ItemView:
    id: str
    text: str
    meet: bool | None
    words: str


@dataclass(frozen=True)
class PlanStep:
    key: str
    title: str
    summary: str
    why: str
    reasons: tuple[str, ...]
    together: tuple[str, ...]


@dataclass(frozen=True)
class CoupleReport:
    instrument: Instrument
    partner_name: str
    balances: tuple[BalanceView, ...]
    seen: tuple[SeenView, ...]
    items: tuple[ItemView, ...]
    plan: tuple[PlanStep, ...]
    agree_within: float
    notice: str = ""
    starters: tuple[str, ...] = field(default=())

    def group(self, name: str) -> list[BalanceView]:
        return [balance for balance in self.balances if balance.group == name]

    @property
    def resources(self) -> list[BalanceView]:
        return self.group("resources")

    @property
    def responsibility(self) -> list[BalanceView]:
        return self.group("responsibility")

    @property
    def control(self) -> list[BalanceView]:
        return self.group("control")

    @property
    def differences(self) -> list[ItemView]:
        return [item for item in self.items if item.meet is False]

    @property
    def suggests_couples_counselling(self) -> bool:
        return any(step.key == "couples_counselling" for step in self.plan)

    def to_dict(self) -> dict[str, Any]:
        return {
            "instrument": {"slug": self.instrument.slug, "version": self.instrument.version},
            "agree_within": self.agree_within,
            "balances": [balance.to_dict() for balance in self.balances],
            "strengths": [
                {
                    "scale": seen.key,
                    "title": seen.title,
                    "yours": None if seen.mine is None else round(seen.mine),
                    "partners": None if seen.theirs is None else round(seen.theirs),
                    "views_meet": seen.meet,
                }
                for seen in self.seen
            ],
            "items": [
                {"item": item.id, "text": item.text, "views_meet": item.meet} for item in self.items
            ],
            "conversation_starters": list(self.starters),
            "plan": [
                {
                    "strategy": step.key,
                    "title": step.title,
                    "summary": step.summary,
                    "why": step.why,
                    "reasons": list(step.reasons),
                    "together": list(step.together),
                }
                for step in self.plan
            ],
        }


def _group(key: str) -> str:
    if key in words.RESOURCES:
        return "resources"
    if key in words.RESPONSIBILITY:
        return "responsibility"
    if key in words.CONTROL:
        return "control"
    return "other"


def _view_words(
    key: str, value: float | None, balanced_within: float, *, partner: str, theirs: bool
) -> str:
    """One view in words. ``value`` is in the viewer's frame: positive means "you"."""
    you_form, they_form, name_form = words.GIVES_MORE.get(key, words.GIVES_MORE_FALLBACK)
    if not theirs:
        if value is None:
            return "You did not answer enough of these questions to say."
        if abs(value) <= balanced_within:
            return "You feel it is about even."
        return f"You feel you {you_form}." if value > 0 else f"You feel {partner} {name_form}."
    if value is None:
        return f"{partner} did not answer enough of these questions to say."
    if abs(value) <= balanced_within:
        return f"{partner} feels it is about even."
    return f"{partner} feels you {you_form}." if value > 0 else f"{partner} feels they {they_form}."


def _starter(key: str, meet: bool | None, leans: str | None) -> str:
    if meet is False:
        return words.STARTER_DIFFER.get(key, words.STARTER_DIFFER_FALLBACK)
    if leans in ("you", "partner"):
        return words.STARTER_LEANS.get(key, words.STARTER_DIFFER_FALLBACK)
    return words.STARTER_MEET


def _plan(
    balances: list[BalanceView], seen: list[SeenView], differing_items: int
) -> tuple[PlanStep, ...]:
    """The shared plan: strategies chosen from what the two views show together."""
    reasons: dict[str, list[str]] = {}

    def add(key: str, because: str) -> None:
        reasons.setdefault(key, []).append(because)

    differ = [b for b in balances if b.meet is False]
    if differ:
        add(
            "listening",
            "You see " + ", ".join(b.title.lower() for b in differ) + " differently; hearing "
            "each other out comes before working out who is right.",
        )
    leaning = [b for b in balances if b.group == "resources" and b.leans in ("you", "partner")]
    if leaning:
        add(
            "needs_boundaries",
            "You agree that " + ", ".join(b.title.lower() for b in leaning) + " leans to one "
            "of you; saying what each of you needs makes it easier to even out.",
        )
    steering = [
        b
        for b in balances
        if b.group == "control" and (b.leans in ("you", "partner") or b.meet is False)
    ]
    if steering:
        add("listening", "Where one of you steers the other, listening without defending helps.")
        add("needs_boundaries", "Clear boundaries let each of you manage yourself, not the other.")
    low = [
        s
        for s in seen
        if (s.mine is not None and s.mine < 50) or (s.theirs is not None and s.theirs < 50)
    ]
    if low:
        add("self_esteem", "At least one of you feels that what they bring often goes unnoticed.")
    very_low = [
        s
        for s in seen
        if s.mine is not None and s.theirs is not None and s.mine < 40 and s.theirs < 40
    ]
    if len(differ) >= 3 or very_low:
        add(
            "couples_counselling",
            "You see much of your relationship differently, or both feel unseen: a couples "
            "therapist can help you talk about it safely.",
        )
    if not reasons:
        add(
            "own_goals",
            "Your views meet and things feel balanced: keep growing, each in your own way.",
        )
    strategies = library.strategies()
    steps = []
    for key, because in reasons.items():
        strategy = strategies.get(key)
        if strategy is None:
            continue
        steps.append(
            PlanStep(
                key=key,
                title=strategy.title,
                summary=strategy.summary,
                why=strategy.why,
                reasons=tuple(because),
                together=words.TOGETHER.get(key, ()) + tuple(strategy.exercises[:1]),
            )
        )
    return tuple(steps)


def couple_report(
    *,
    slug: str,
    version: int,
    mine: Mapping[str, int | None],
    theirs: Mapping[str, int | None],
    partner_name: str,
) -> CoupleReport:
    """The report as the viewer sees it, from both partners' answers to one round.

    Parameters:
        slug, version: the couple instrument both answered.
        mine, theirs: the viewer's and the partner's answers (companions' answers are ignored).
        partner_name: how the partner is named in the report's words.

    Example: the viewer answers "time" at +2 (I give more) and the partner at -2 (my partner
    gives more): both views are +2, they meet, and together it leans to the viewer.
    """
    instrument = library.get(slug, version)
    own = {item.id for item in instrument.items}
    my_result = instrument.score({k: v for k, v in mine.items() if k in own})
    their_result = instrument.score({k: v for k, v in theirs.items() if k in own})
    comparison = compare_partners(my_result, their_result)
    rules = instrument.comparison
    if rules is None:  # pragma: no cover - compare_partners has refused such an instrument
        raise ValueError(f"{slug} defines no comparison of partners")
    balances = []
    for balance in comparison.balances:
        leans = {"a": "you", "b": "partner", "balanced": "balanced", None: None}[balance.leans]
        balances.append(
            BalanceView(
                key=balance.scale,
                title=balance.title,
                group=_group(balance.scale),
                mine=balance.a_view,
                theirs=balance.b_view,
                meet=balance.agree,
                together=balance.together,
                leans=leans,
                my_words=_view_words(
                    balance.scale,
                    balance.a_view,
                    rules.balanced_within,
                    partner=partner_name,
                    theirs=False,
                ),
                their_words=_view_words(
                    balance.scale,
                    balance.b_view,
                    rules.balanced_within,
                    partner=partner_name,
                    theirs=True,
                ),
                starter=_starter(balance.scale, balance.agree, leans),
            )
        )
    seen = []
    for key, (a_score, b_score) in comparison.scales.items():
        scale = instrument.scales[key]
        meet = None
        if a_score is not None and b_score is not None:
            # 0-100 scores: the same tolerance, as a share of the answer range.
            options = [option.value for item in scale.items for option in item.response.options]
            span = (max(options) - min(options)) if options else 1
            meet = abs(a_score - b_score) <= 100 * rules.agree_within / span
        seen.append(SeenView(key, scale.title, scale.description, a_score, b_score, meet))
    balance_items = {item.id for key in rules.balances for item in instrument.scales[key].items}
    items = []
    for item in instrument.items:
        a = mine.get(item.id)
        b = theirs.get(item.id)
        if a is None or b is None:
            items.append(ItemView(item.id, item.text, None, words.NOT_COMPARED_WORDS))
            continue
        if item.id in balance_items:
            b = -b  # the partner's "me" is the viewer's "my partner"
        meet = abs(a - b) <= rules.agree_within
        items.append(
            ItemView(item.id, item.text, meet, words.MEET_WORDS if meet else words.DIFFER_WORDS)
        )
    starters = tuple(
        dict.fromkeys(
            b.starter for b in balances if b.meet is False or b.leans in ("you", "partner")
        )
    ) or (words.STARTER_MEET,)
    plan = _plan(balances, seen, sum(1 for i in items if i.meet is False))
    return CoupleReport(
        instrument=instrument,
        partner_name=partner_name,
        balances=tuple(balances),
        seen=tuple(seen),
        items=tuple(items),
        plan=plan,
        agree_within=rules.agree_within,
        notice=instrument.notice,
        starters=starters,
    )
