"""The directory's fixed vocabularies: specialties, approaches and languages.

Each entry has a stable key (stored, used in URLs and the API), a label people read, and a
bit. A profile stores its choices as one integer per vocabulary (the OR of their bits), so a
filter is a single integer test on the row instead of a join. New entries take the next
free bit; a bit is never reused, because stored profiles carry it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["APPROACHES", "LANGUAGES", "SPECIALTIES", "Term", "Vocabulary"]


@dataclass(frozen=True)
class Term:
    key: str
    label: str
    bit: int


class Vocabulary:
    """An ordered set of terms with conversions between keys, labels and bit masks."""

    def __init__(self, name: str, entries: Iterable[tuple[str, str]]) -> None:
        self.name = name
        self.terms = tuple(
            Term(key=key, label=label, bit=1 << position)
            for position, (key, label) in enumerate(entries)
        )
        if len(self.terms) > 62:
            raise ValueError(f"{name}: a 64-bit column holds at most 62 terms")
        self._by_key = {term.key: term for term in self.terms}

    def __contains__(self, key: object) -> bool:
        return key in self._by_key

    def __getitem__(self, key: str) -> Term:
        return self._by_key[key]

    @property
    def choices(self) -> list[tuple[str, str]]:
        return [(term.key, term.label) for term in self.terms]

    @property
    def keys(self) -> list[str]:
        return [term.key for term in self.terms]

    def mask(self, keys: Iterable[str]) -> int:
        """The bit mask of ``keys``; an unknown key is a ``ValueError`` naming it."""
        value = 0
        for key in keys:
            term = self._by_key.get(key)
            if term is None:
                raise ValueError(f"unknown {self.name}: {key!r}")
            value |= term.bit
        return value

    def keys_in(self, mask: int) -> list[str]:
        return [term.key for term in self.terms if mask & term.bit]

    def labels_in(self, mask: int) -> list[str]:
        return [term.label for term in self.terms if mask & term.bit]

    def label(self, key: str) -> str:
        return self._by_key[key].label


SPECIALTIES = Vocabulary(
    "specialty",
    [
        ("codependency", "Codependency"),
        ("attachment", "Attachment"),
        ("self_esteem", "Self-esteem"),
        ("couples", "Couples therapy"),
        ("infidelity", "Infidelity and trust"),
        ("communication", "Communication"),
        ("abuse_recovery", "Recovery from abuse"),
        ("trauma", "Trauma"),
        ("boundaries", "Boundaries"),
        ("intimacy", "Intimacy and closeness"),
        ("anxiety", "Anxiety"),
        ("depression", "Depression"),
        ("separation", "Separation and divorce"),
        ("family", "Family relationships"),
        ("grief", "Grief and loss"),
        ("lgbtq", "LGBTQ+ relationships"),
        ("addiction", "Addiction in relationships"),
        ("dependency", "Dependency"),
    ],
)

APPROACHES = Vocabulary(
    "approach",
    [
        ("cbt", "Cognitive behavioural therapy (CBT)"),
        ("eft", "Emotionally focused therapy (EFT)"),
        ("gottman", "Gottman method"),
        ("psychodynamic", "Psychodynamic"),
        ("person_centred", "Person-centred"),
        ("integrative", "Integrative"),
        ("systemic", "Systemic and family therapy"),
        ("schema", "Schema therapy"),
        ("act", "Acceptance and commitment therapy (ACT)"),
        ("compassion_focused", "Compassion-focused therapy"),
        ("emdr", "EMDR"),
        ("imago", "Imago relationship therapy"),
        ("mindfulness", "Mindfulness-based"),
        ("gestalt", "Gestalt"),
    ],
)

LANGUAGES = Vocabulary(
    "language",
    [
        ("en", "English"),
        ("es", "Spanish"),
        ("fr", "French"),
        ("de", "German"),
        ("pl", "Polish"),
        ("pt", "Portuguese"),
        ("it", "Italian"),
        ("cy", "Welsh"),
        ("gd", "Scottish Gaelic"),
        ("ur", "Urdu"),
        ("pa", "Punjabi"),
        ("hi", "Hindi"),
        ("bn", "Bengali"),
        ("ar", "Arabic"),
        ("zh", "Mandarin Chinese"),
        ("yue", "Cantonese"),
        ("vi", "Vietnamese"),
        ("ko", "Korean"),
        ("tl", "Tagalog"),
        ("ru", "Russian"),
        ("tr", "Turkish"),
        ("so", "Somali"),
        ("asl", "American Sign Language"),
        ("bsl", "British Sign Language"),
    ],
)
