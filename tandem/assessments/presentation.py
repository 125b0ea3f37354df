"""What a result page, its PDF and the history show, worked out once from the stored result."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from tandem.assessments.charts import ProfileChart, profile_chart
from tandem.instruments import Instrument, Strategy, UnknownInstrument, library

__all__ = [
    "SAFETY_FLAG",
    "ResultView",
    "anonymous_access_sentence",
    "anonymous_session_lifetime",
    "result_view",
    "scales_table_html",
    "topic_slugs",
]

SAFETY_FLAG = "safety"
COUPLES_COUNSELLING = "couples_counselling"

# The journal's topic slugs for each style; a strategy's are in its data (strategies.yaml).
STYLE_TOPICS = {"codependent": "codependency", "counterdependent": "counterdependency"}
DEFAULT_STYLE_TOPIC = "ways-of-relating"
ARTICLES_CACHE_SECONDS = 300

PATTERN_WORDS = {
    "clear": "One way of relating stands out clearly in your answers.",
    "mixed": (
        "Two ways of relating are close together in your answers, so neither label fits on its own."
    ),
    "switching": (
        "Your answers suggest you may swing between holding on tightly and pushing closeness away."
    ),
}


def _rounded(value: float | None) -> int | None:
    return None if value is None else round(value)


def _scored(key: str, stored: dict[str, Any]) -> dict[str, Any]:
    """What a result page shows alike for a scale and an index: names, rounded score, band."""
    return {
        "key": key,
        "title": stored.get("title", key),
        "description": stored.get("description", ""),
        "score": _rounded(stored.get("score")),
        "band": stored.get("band"),
    }


@dataclass(frozen=True)
class PlanStepView:
    key: str
    title: str
    summary: str
    why: str
    exercises: tuple[str, ...]
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class ResultView:
    instrument: Instrument | None
    title: str
    safety: bool
    flags: list[dict[str, Any]]
    style: dict[str, Any] | None
    scales: list[dict[str, Any]]
    indices: list[dict[str, Any]]
    chart: ProfileChart
    narrow_chart: ProfileChart  # the same chart laid out for a phone
    plan: list[PlanStepView]
    notice: str
    leads_to: dict[str, Any] | None
    topics: list[str]

    def articles(self, limit: int = 3) -> list[dict[str, str]]:
        """Journal articles on the result's topics, when the journal is part of this site.

        Articles are public, so the list is cached for a few minutes per set of topics: it
        is the same for every result that points to the same topics, in any order (the
        journal lists the newest first, whatever the order asked).
        """
        if not self.topics or not apps.is_installed("tandem.journal"):
            return []
        key = "assessments:articles:" + ",".join(sorted(self.topics)) + f":{limit}"
        cached = cache.get(key)
        if cached is None:
            from tandem.journal.services import articles_for_topics

            cached = [
                {
                    "title": article.title,
                    "url": article.get_absolute_url(),
                    "summary": article.summary,
                }
                for article in articles_for_topics(self.topics, limit=limit)
            ]
            cache.set(key, cached, ARTICLES_CACHE_SECONDS)
        return list(cached)


def anonymous_session_lifetime() -> str:
    """How long a visitor without an account keeps their answers within reach, in words.

    The claim token lives in the session, so answers and results can be opened for exactly as
    long as the session lasts; the data itself is deleted after ANONYMOUS_RETENTION.
    """
    minutes = max(1, settings.SESSION_COOKIE_AGE // 60)
    idle = f"{minutes} minute{'s' if minutes != 1 else ''}"
    if settings.SESSION_EXPIRE_AT_BROWSER_CLOSE:
        return f"until you close the browser or leave it unused for {idle}"
    return f"until it has been left unused for {idle}"


def anonymous_access_sentence() -> str:
    """What a result page tells a visitor without an account about keeping it."""
    return (
        f"Without an account, you can open this result only in this browser, "
        f"{anonymous_session_lifetime()}. After that nobody can open it, and it is deleted "
        "within seven days."
    )


def topic_slugs(result: Mapping[str, Any]) -> list[str]:
    """The journal topics a result points to: its style first, then its plan in order."""
    topics: list[str] = []
    style = result.get("style")
    if style and style.get("primary"):
        topics.append(STYLE_TOPICS.get(style["primary"], DEFAULT_STYLE_TOPIC))
    strategies = library.strategies()
    for step in result.get("plan", []):
        strategy = strategies.get(step.get("strategy", ""))
        if strategy is not None:
            topics.extend(strategy.topics)
    return list(dict.fromkeys(topics))


def _style_view(result: Mapping[str, Any], instrument: Instrument | None) -> dict[str, Any] | None:
    style = result.get("style")
    if not style:
        return None
    descriptions = {}
    if instrument is not None and instrument.style is not None:
        descriptions = {s.key: s.description for s in instrument.style.styles}
    titles = style.get("titles", {})
    strengths = [
        {"key": key, "title": titles.get(key, key), "strength": _rounded(value)}
        for key, value in sorted(
            style.get("strengths", {}).items(), key=lambda pair: -(pair[1] or 0)
        )
    ]
    primary = style.get("primary")
    return {
        "primary": primary,
        "primary_title": titles.get(primary, primary) if primary else None,
        "description": descriptions.get(primary, "") if primary else "",
        "pattern": style.get("pattern"),
        "pattern_words": PATTERN_WORDS.get(style.get("pattern") or "", ""),
        "reasons": style.get("reasons", []),
        "strengths": strengths,
    }


def result_view(result: Mapping[str, Any]) -> ResultView:
    """Everything a result page shows, in the order it shows it."""
    meta = result.get("instrument", {})
    try:
        instrument: Instrument | None = library.get(meta.get("slug", ""), meta.get("version"))
    except UnknownInstrument:
        instrument = None  # a retired definition: the stored result still shows
    flags = list(result.get("flags", []))
    safety = any(flag.get("key") == SAFETY_FLAG for flag in flags)
    strategies: dict[str, Strategy] = library.strategies()
    plan = []
    for step in result.get("plan", []):
        key = step.get("strategy", "")
        if safety and key == COUPLES_COUNSELLING:
            continue  # the engine already leaves it out; DESIGN.md section 5 says never
        strategy = strategies.get(key)
        plan.append(
            PlanStepView(
                key=key,
                title=step.get("title") or (strategy.title if strategy else key),
                summary=strategy.summary if strategy else "",
                why=strategy.why if strategy else "",
                exercises=strategy.exercises if strategy else (),
                reasons=tuple(step.get("reasons", [])),
            )
        )
    scales = [
        {
            **_scored(key, scale),
            "uncertainty": (
                {
                    "low": max(0, round(scale["uncertainty"]["low"])),
                    "high": min(100, round(scale["uncertainty"]["high"])),
                }
                if scale.get("uncertainty") and scale.get("score") is not None
                else None
            ),
            "not_scored_reason": scale.get("not_scored_reason"),
        }
        for key, scale in result.get("scales", {}).items()
    ]
    indices = [_scored(key, index) for key, index in result.get("indices", {}).items()]
    leads_to = None
    if result.get("leads_to"):
        try:
            following = library.get(result["leads_to"]["slug"])
            leads_to = {
                "slug": following.slug,
                "title": following.title,
                "because": result["leads_to"].get("because", ""),
            }
        except UnknownInstrument:
            leads_to = None
    return ResultView(
        instrument=instrument,
        title=meta.get("title", ""),
        safety=safety,
        flags=flags,
        style=_style_view(result, instrument),
        scales=scales,
        indices=indices,
        chart=profile_chart(result.get("scales", {})),
        narrow_chart=profile_chart(result.get("scales", {}), narrow=True),
        plan=plan,
        notice=result.get("notice", ""),
        leads_to=leads_to,
        topics=topic_slugs(result),
    )


NOT_SCORED = "Too few questions were answered to score this part."
NO_FIGURE = "\N{EN DASH}"  # an empty cell, read out as "dash"


def _text(value: Any) -> str:
    return "" if value is None else escape(value)


def _figure(label: str, value: str) -> str:
    return f'<td><span class="figures__label">{label}: </span>{value}</td>'


def _scale_row(scale: Mapping[str, Any], has_uncertainty: bool) -> str:
    about = scale.get("description")
    heading = _text(scale["title"]) + (
        f'<span class="scales-table__about">{_text(about)}</span>' if about else ""
    )
    band = scale.get("band") or {}
    score = scale.get("score")
    cells = [f'<th scope="row">{heading}</th>']
    cells.append(_figure("Score", "Not scored" if score is None else str(score)))
    if has_uncertainty:
        uncertainty = scale.get("uncertainty")
        likely = f"{uncertainty['low']} to {uncertainty['high']}" if uncertainty else NO_FIGURE
        cells.append(_figure("Likely range", likely))
    cells.append(_figure("Band", _text(band.get("label") or NO_FIGURE)))
    meaning = (
        _text(scale.get("not_scored_reason") or NOT_SCORED)
        if score is None
        else _text(band.get("meaning") or "")
    )
    cells.append(_figure("What it means", meaning))
    return "<tr>" + "".join(cells) + "</tr>"


def _index_row(index: Mapping[str, Any]) -> str:
    about = index.get("description")
    heading = _text(index["title"]) + (
        f'<span class="scales-table__about">{_text(about)}</span>' if about else ""
    )
    band = index.get("band") or {}
    score = index.get("score")
    return (
        f'<tr><th scope="row">{heading}</th>'
        + _figure("Score", "Not worked out" if score is None else str(score))
        + _figure("Band", _text(band.get("label") or NO_FIGURE))
        + _figure("What it means", _text(band.get("meaning") or ""))
        + "</tr>"
    )


def scales_table_html(view: ResultView) -> SafeString:
    """The result's scores as tables: each scale, then the overall measures, if any.

    Written here rather than in a template for the same reason as the profile chart
    (charts.py): the table is on every result page, and its dozen rows of looked-up,
    filtered and escaped fields cost the template engine about 1 ms of CPU, ten times
    this. Everything from the result is escaped; the rest is fixed text and integers.
    """
    has_uncertainty = view.chart.has_uncertainty
    caption = "Your scores, each from 0 to 100" + (
        ", with the range each score is likely to fall in" if has_uncertainty else ""
    )
    headings = ["Part", "Score", *(["Likely range"] if has_uncertainty else []), "Band"]
    parts = [
        '<table class="figures figures--stack scales-table">',
        f"<caption>{caption}</caption>",
        "<thead><tr>"
        + "".join(f'<th scope="col">{heading}</th>' for heading in [*headings, "What it means"])
        + "</tr></thead>",
        "<tbody>",
        *(_scale_row(scale, has_uncertainty) for scale in view.scales),
        "</tbody></table>",
    ]
    if view.indices:
        parts += [
            '<table class="figures figures--stack">',
            "<caption>Overall measures, each from 0 to 100</caption>",
            '<thead><tr><th scope="col">Measure</th><th scope="col">Score</th>'
            '<th scope="col">Band</th><th scope="col">What it means</th></tr></thead>',
            "<tbody>",
            *(_index_row(index) for index in view.indices),
            "</tbody></table>",
        ]
    return mark_safe("\n".join(parts))  # noqa: S308 - every value from the result is escaped
