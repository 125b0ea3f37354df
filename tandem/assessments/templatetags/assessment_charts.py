from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from tandem.assessments.charts import ProfileChart, profile_chart_svg
from tandem.assessments.presentation import ResultView, scales_table_html

register = template.Library()


@register.simple_tag
def profile_chart(chart: ProfileChart, key: str = "profile", css_class: str = "") -> SafeString:
    """``{% profile_chart view.chart "profile" %}``: the chart's SVG (see charts.py)."""
    return profile_chart_svg(chart, key or "profile", css_class)


@register.simple_tag
def scales_table(view: ResultView) -> SafeString:
    """``{% scales_table view %}``: the result's scores as tables (see presentation.py)."""
    return scales_table_html(view)
