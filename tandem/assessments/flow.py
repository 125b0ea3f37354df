"""The pages of one check: the instrument's sections, then its companions' sections.

A check is answered as one session (``library.score_session``): the relating-styles
inventory's four sections are followed by the safety questions of its ``safety`` companion.
Item ids are unique across the library, so all answers live in one mapping.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from tandem.instruments import Instrument, Item, Section, library

__all__ = ["CheckFlow", "FlowSection", "check_flow", "listed_instruments"]


@dataclass(frozen=True)
class FlowSection:
    """One page of a check."""

    section: Section
    owner: Instrument  # the instrument or the companion the section belongs to
    number: int  # 1-based position among the check's pages
    is_companion: bool

    @property
    def id(self) -> str:
        return self.section.id

    @property
    def items(self) -> tuple[Item, ...]:
        return self.section.items

    @property
    def answers_required(self) -> bool:
        # The instrument's own questions must be answered to go on; a companion's (the safety
        # questions) may be skipped, as their introduction promises.
        return not self.is_companion


@dataclass(frozen=True)
class CheckFlow:
    instrument: Instrument
    companions: tuple[Instrument, ...]
    sections: tuple[FlowSection, ...]

    @property
    def slug(self) -> str:
        return self.instrument.slug

    @property
    def first(self) -> FlowSection:
        return self.sections[0]

    @property
    def last(self) -> FlowSection:
        return self.sections[-1]

    def section(self, section_id: str) -> FlowSection | None:
        for flow_section in self.sections:
            if flow_section.id == section_id:
                return flow_section
        return None

    def after(self, flow_section: FlowSection) -> FlowSection | None:
        index = flow_section.number
        return self.sections[index] if index < len(self.sections) else None

    def before(self, flow_section: FlowSection) -> FlowSection | None:
        index = flow_section.number - 2
        return self.sections[index] if index >= 0 else None

    @property
    def item_count(self) -> int:
        return sum(len(flow_section.items) for flow_section in self.sections)

    def unanswered(
        self, flow_section: FlowSection, answers: Mapping[str, int | None]
    ) -> list[Item]:
        """The section's questions still needing an answer (none for optional sections)."""
        if not flow_section.answers_required:
            return []
        return [item for item in flow_section.items if answers.get(item.id) is None]

    def first_incomplete(self, answers: Mapping[str, int | None]) -> FlowSection | None:
        for flow_section in self.sections:
            if self.unanswered(flow_section, answers):
                return flow_section
        return None

    def answered_count(self, answers: Mapping[str, int | None]) -> int:
        return sum(
            1
            for flow_section in self.sections
            for item in flow_section.items
            if answers.get(item.id) is not None
        )

    def is_known_item(self, item_id: str) -> bool:
        return any(item.id == item_id for fs in self.sections for item in fs.items)


@cache
def check_flow(slug: str, version: int | None = None) -> CheckFlow:
    """The pages of a check, built once per instrument version.

    Raises:
        UnknownInstrument: no such instrument or version (a ``KeyError``).
    """
    instrument = library.get(slug, version)
    companions = tuple(library.default.companions_of(instrument))
    pages: list[FlowSection] = []
    seen: set[str] = set()
    for owner in (instrument, *companions):
        for section in owner.sections:
            if section.id in seen:  # pragma: no cover - our library has none; a guard for others
                raise ValueError(f"{slug}: section id {section.id!r} appears twice in the check")
            seen.add(section.id)
            pages.append(
                FlowSection(
                    section=section,
                    owner=owner,
                    number=len(pages) + 1,
                    is_companion=owner is not instrument,
                )
            )
    return CheckFlow(instrument=instrument, companions=companions, sections=tuple(pages))


def listed_instruments() -> list[Instrument]:
    """The checks offered on the index: every instrument that is not only a companion."""
    everything = library.all()
    companions_only = {slug for instrument in everything for slug in instrument.companions}
    listed = [
        instrument
        for instrument in everything
        if instrument.slug not in companions_only and instrument.audience != "clinician"
    ]
    # The full individual checks first, then shorter ones, then those for couples.
    return sorted(listed, key=lambda i: (i.audience == "couple", -len(i.items), i.slug))
