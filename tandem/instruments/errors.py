"""Errors raised by the instrument engine.

Every error is a ``ValueError``, ``TypeError`` or ``KeyError`` subclass with a message a person
can act on: it names the file and field (definitions), the item and its allowed values
(answers), or the instrument asked for (the library).
"""

from __future__ import annotations

__all__ = [
    "AnswerError",
    "AnswerTypeError",
    "DefinitionError",
    "InstrumentError",
    "UnknownInstrument",
]


class InstrumentError(ValueError):
    """Base class of the engine's value errors."""


class DefinitionError(InstrumentError):
    """A definition file is invalid.

    The message reads ``FILE: FIELD.PATH: what is wrong``, for example
    ``relating-styles.yaml: scales.self_worth.items[2]: no item 'sw9'``.

    Attributes:
        file: the file's name (or ``<definition>`` for a definition given as a mapping).
        path: the dotted field path, e.g. ``scales.self_worth.items[2]``; empty for the file
            as a whole.
        problem: what is wrong, in plain words.
    """

    def __init__(self, file: str, path: str, problem: str) -> None:
        self.file = file
        self.path = path
        self.problem = problem
        where = f"{file}: {path}" if path else file
        super().__init__(f"{where}: {problem}")


class AnswerError(InstrumentError):
    """An answer names an unknown item or gives a value the item does not allow."""


class AnswerTypeError(TypeError):
    """An answer is not a whole number (or ``None`` for "not answered")."""


class UnknownInstrument(KeyError):
    """No instrument with this slug (and version) is in the library."""

    def __str__(self) -> str:
        # KeyError would print the message with quotes around it.
        return str(self.args[0]) if self.args else "unknown instrument"
