"""How full each page of a WeasyPrint document is, for tests of the PDF report's layout."""

from __future__ import annotations

from typing import Any


def page_fill(html: str) -> list[float]:
    """For each page, the share (0 to 1) of its content area that holds something."""
    from weasyprint import HTML

    fills = []
    for page in HTML(string=html).render().pages:
        box = page._page_box
        top = box.content_box_y()
        lowest = top

        def walk(parent: Any) -> None:
            nonlocal lowest
            for child in getattr(parent, "children", None) or []:
                if type(child).__name__.endswith("MarginBox"):
                    continue  # the page number in the footer is not content
                # Lines of text and images are what a reader sees; block boxes such as the
                # body stretch to the page's end and would make every page look full.
                kind = type(child).__name__
                if kind == "LineBox" or kind.endswith("ReplacedBox"):
                    lowest = max(lowest, child.position_y + child.margin_height())
                walk(child)

        walk(box)
        fills.append((lowest - top) / box.height)
    return fills
