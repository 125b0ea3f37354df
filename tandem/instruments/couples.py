"""Comparing two partners' answers to a couple instrument (``couple-balance``).

Each partner answers for themselves: on a balance item, -3 means "my partner gives much
more" and +3 "I give much more". :func:`compare_partners` puts both views in one frame,
partner A's: a positive number means A gives more.

- ``a_view``: A's mean answer on the scale (as given).
- ``b_view``: B's mean answer, turned round (``-b``), so it too says how much more A gives.
- ``agree``: whether ``|a_view - b_view| <= agree_within``.
- ``together``: the mean of the two views; ``leans`` is ``balanced`` when
  ``|together| <= balanced_within``, else ``a`` or ``b``: who, as they see it together,
  gives more.

The comparison never includes flags or the answers to the safety questions: nothing in it
may reveal to a partner what the other said about their safety.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from tandem.instruments.results import Result

__all__ = ["BalanceComparison", "PartnerComparison", "compare_partners"]


@dataclass(frozen=True)
class BalanceComparison:
    """Both partners' views of one balance scale, in partner A's frame."""

    scale: str
    title: str
    a_view: float | None
    b_view: float | None
    agree: bool | None
    together: float | None
    leans: Literal["a", "b", "balanced"] | None

    def to_dict(self) -> dict[str, Any]:
        """Return the comparison as plain data."""
        return {
            "scale": self.scale,
            "title": self.title,
            "a_view": None if self.a_view is None else round(self.a_view, 2),
            "b_view": None if self.b_view is None else round(self.b_view, 2),
            "agree": self.agree,
            "together": None if self.together is None else round(self.together, 2),
            "leans": self.leans,
        }


@dataclass(frozen=True)
class PartnerComparison:
    """Two partners' results side by side."""

    slug: str
    version: int
    balances: tuple[BalanceComparison, ...]
    scales: dict[str, tuple[float | None, float | None]]

    def to_dict(self) -> dict[str, Any]:
        """Return the comparison as plain data (never flags: see the module's doc)."""
        return {
            "instrument": {"slug": self.slug, "version": self.version},
            "balances": [balance.to_dict() for balance in self.balances],
            "scales": {
                key: {
                    "a": None if a is None else round(a, 2),
                    "b": None if b is None else round(b, 2),
                }
                for key, (a, b) in self.scales.items()
            },
        }


def compare_partners(a: Result, b: Result) -> PartnerComparison:
    """Compare two partners' results to the same couple instrument.

    Parameters:
        a, b: each partner's own result (``instrument.score(...)``).

    Returns:
        a :class:`PartnerComparison`: per balance scale (time, attention, energy,
        commitment...), each one's view, whether they agree and the balance they see
        together; for the other scales, each one's score.

    Raises:
        ValueError: the results are of different instruments or versions, or the
            instrument defines no comparison.

    Example: A answers "time" at +2 (I give more), B at -2 (my partner gives more): both
    views are +2, they agree, and together it leans to A.
    """
    if (a.slug, a.version) != (b.slug, b.version):
        raise ValueError(
            f"cannot compare {a.slug} v{a.version} with {b.slug} v{b.version}: "
            "both partners must answer the same instrument and version"
        )
    comparison = a.instrument.comparison
    if comparison is None:
        raise ValueError(f"{a.slug} defines no comparison of partners")
    balances = []
    for key in comparison.balances:
        a_raw = a.scales[key].raw
        b_raw = b.scales[key].raw
        a_view = a_raw
        b_view = None if b_raw is None else -b_raw
        agree = together = leans = None
        if a_view is not None and b_view is not None:
            agree = abs(a_view - b_view) <= comparison.agree_within
            together = (a_view + b_view) / 2.0
            if abs(together) <= comparison.balanced_within:
                leans = "balanced"
            else:
                leans = "a" if together > 0 else "b"
        balances.append(
            BalanceComparison(
                scale=key,
                title=a.scales[key].title,
                a_view=a_view,
                b_view=b_view,
                agree=agree,
                together=together,
                leans=leans,  # type: ignore[arg-type]
            )
        )
    others = {
        key: (scale.score, b.scales[key].score)
        for key, scale in a.scales.items()
        if key not in comparison.balances
    }
    return PartnerComparison(
        slug=a.slug, version=a.version, balances=tuple(balances), scales=others
    )
