"""A library of instruments: every definition file in a folder, validated together.

The default library is the folder ``tandem/instruments/library/``, reached through
``from tandem.instruments import library``. Tests and practices with their own instruments
load another folder with :class:`Library`.

Besides each file's own checks, a library checks that:

- ``strategies.yaml`` is present and holds every strategy the plans and flags name;
- no two files hold the same slug and version;
- item ids are unique across instruments (so that an instrument and its companions can be
  answered in one mapping);
- every companion and ``leads_to`` names an instrument in the library.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from tandem.instruments.definition import Strategy
from tandem.instruments.errors import DefinitionError, UnknownInstrument
from tandem.instruments.instrument import Instrument
from tandem.instruments.results import Result
from tandem.instruments.validation import load_instrument, load_strategies

__all__ = ["DEFAULT_FOLDER", "STRATEGIES_FILE", "Library"]

#: The folder of the instruments Tandem ships.
DEFAULT_FOLDER = Path(__file__).resolve().parent / "library"

#: The strategies file's name inside a library folder.
STRATEGIES_FILE = "strategies.yaml"


class Library:
    """The instruments and strategies of one folder, loaded on first use.

    Example::

        >>> practice = Library("/srv/practice/instruments")  # strategies.yaml and definitions
        >>> [instrument.slug for instrument in practice.all()]
        ['practice-check', 'safety']
    """

    def __init__(self, folder: str | Path = DEFAULT_FOLDER) -> None:
        self.folder = Path(folder)
        self._instruments: dict[str, dict[int, Instrument]] | None = None
        self._strategies: dict[str, Strategy] | None = None

    def __repr__(self) -> str:
        return f"<Library {self.folder}>"

    def _load(self) -> dict[str, dict[int, Instrument]]:
        if self._instruments is not None:
            return self._instruments
        strategies_path = self.folder / STRATEGIES_FILE
        if not strategies_path.exists():
            raise DefinitionError(STRATEGIES_FILE, "", f"not found in {self.folder}")
        strategies = load_strategies(strategies_path)
        instruments: dict[str, dict[int, Instrument]] = {}
        item_owner: dict[str, Instrument] = {}
        for path in sorted(self.folder.glob("*.yaml")):
            if path.name == STRATEGIES_FILE:
                continue
            instrument = load_instrument(path, strategies=strategies)
            versions = instruments.setdefault(instrument.slug, {})
            if instrument.version in versions:
                raise DefinitionError(
                    path.name,
                    "version",
                    f"{instrument.slug} version {instrument.version} is also defined in "
                    f"{versions[instrument.version].file}",
                )
            versions[instrument.version] = instrument
            for position, item in enumerate(instrument.items):
                other = item_owner.get(item.id)
                if other is not None and other.slug != instrument.slug:
                    raise DefinitionError(
                        path.name,
                        f"items[{position}].id",
                        f"the item id {item.id!r} is also used by {other.file}; item ids "
                        "must be unique across the library",
                    )
                item_owner[item.id] = instrument
        for versions in instruments.values():
            for instrument in versions.values():
                for position, companion in enumerate(instrument.companions):
                    if companion not in instruments:
                        raise DefinitionError(
                            instrument.file,
                            f"companions[{position}]",
                            f"no instrument {companion!r} in the library",
                        )
                if instrument.leads_to and instrument.leads_to.slug not in instruments:
                    raise DefinitionError(
                        instrument.file,
                        "leads_to.slug",
                        f"no instrument {instrument.leads_to.slug!r} in the library",
                    )
        self._strategies = strategies
        self._instruments = instruments
        return instruments

    def get(self, slug: str, version: int | None = None) -> Instrument:
        """Return an instrument by slug, the latest version unless ``version`` is given.

        Raises:
            UnknownInstrument: no such slug or version (a ``KeyError``).
            DefinitionError: a file in the library is invalid.

        Example::

            >>> library.get("relating-styles").version
            1
        """
        versions = self._load().get(slug)
        if versions is None:
            known = ", ".join(sorted(self._load()))
            raise UnknownInstrument(f"no instrument {slug!r}; the library has: {known}")
        if version is None:
            return versions[max(versions)]
        if version not in versions:
            available = ", ".join(str(number) for number in sorted(versions))
            raise UnknownInstrument(f"{slug} has no version {version}; available: {available}")
        return versions[version]

    def all(self) -> list[Instrument]:
        """Return the latest version of every instrument, by slug."""
        return [versions[max(versions)] for _slug, versions in sorted(self._load().items())]

    def versions(self, slug: str) -> list[Instrument]:
        """Return every version of an instrument, oldest first."""
        self.get(slug)
        versions = self._load()[slug]
        return [versions[number] for number in sorted(versions)]

    def strategies(self) -> dict[str, Strategy]:
        """Return the strategies by key, in file order (the seven, then specialist support)."""
        self._load()
        if self._strategies is None:  # pragma: no cover - _load always sets it
            raise RuntimeError("strategies not loaded")
        return dict(self._strategies)

    def companions_of(self, instrument: Instrument) -> list[Instrument]:
        """Return the latest version of each companion the instrument is asked with."""
        return [self.get(slug) for slug in instrument.companions]

    def score_session(
        self,
        slug: str,
        answers: Mapping[str, int | None],
        *,
        version: int | None = None,
    ) -> Result:
        """Score an instrument together with its companions, from one mapping of answers.

        ``answers`` hold the instrument's items and its companions' items (ids are unique
        across the library). The result's flags include the companions' flags, and those
        flags act on the plan: when any safety question is answered yes, ``safety`` is
        raised, couples counselling leaves the plan and specialist support comes first.

        Parameters:
            slug: the instrument.
            answers: item id to value, ``None`` or absent for not answered.
            version: the instrument's version (the latest when ``None``); companions are
                always their latest version.

        Returns:
            one :class:`~tandem.instruments.results.Result`.

        Example::

            >>> result = library.score_session("relating-styles", {"sr1": 4, "sf1": 1})
            >>> result.has_flag("safety"), result.plan[0].strategy
            (True, 'specialist_support')
        """
        instrument = self.get(slug, version)
        return instrument.score(answers, companions=self.companions_of(instrument))

    def validate(self) -> list[Instrument]:
        """Load every file now (rather than on first use) and return all instruments.

        Raises:
            DefinitionError: the first invalid file.
        """
        self._instruments = None
        return [
            instrument
            for _slug, versions in sorted(self._load().items())
            for _version, instrument in sorted(versions.items())
        ]
