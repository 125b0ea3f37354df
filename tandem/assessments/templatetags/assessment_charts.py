from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import get_template
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from tandem.assessments.charts import ProfileChart, profile_chart_svg
from tandem.assessments.presentation import PlanStepView, ResultView, scales_table_html

register = template.Library()

GUIDANCE_TEMPLATE = "assessments/_strategy_guidance.html"

#: A strategy's "How it helps" and "Things to try", by its text and language. They are the
#: strategy's own words (strategies.yaml), the same in every plan that has the step: nothing
#: of a person's result is in the key or the HTML (their reasons are rendered around it).
#: Keyed by the text itself, so a changed strategy can never show an old one; there are as
#: many entries as strategies. Per process rather than in Redis: see pages._QUESTIONS.
_GUIDANCE: dict[tuple[Any, ...], SafeString] = {}


@register.simple_tag
def profile_chart(chart: ProfileChart, key: str = "profile", css_class: str = "") -> SafeString:
    """``{% profile_chart view.chart "profile" %}``: the chart's SVG (see charts.py)."""
    return profile_chart_svg(chart, key or "profile", css_class)


@register.simple_tag
def strategy_guidance(step: PlanStepView) -> SafeString:
    """``{% strategy_guidance step %}``: why a plan step helps and what to try."""
    key = (step.why, tuple(step.exercises), get_language())
    html = _GUIDANCE.get(key)
    if html is None:
        html = SafeString(
            get_template(GUIDANCE_TEMPLATE).render({"why": step.why, "exercises": step.exercises})
        )
        _GUIDANCE[key] = html
    return html


@register.simple_tag
def scales_table(view: ResultView) -> SafeString:
    """``{% scales_table view %}``: the result's scores as tables (see presentation.py)."""
    return scales_table_html(view)
