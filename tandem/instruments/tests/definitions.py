"""A tiny, valid definition for tests to score by hand and to break one field at a time."""

from __future__ import annotations

import copy
from typing import Any

_TINY: dict[str, Any] = {
    "slug": "tiny",
    "version": 1,
    "title": "Tiny",
    "description": "A tiny instrument for tests.",
    "audience": "individual",
    "response_scales": {
        "agreement": {
            "title": "Agreement",
            "options": [{"value": value, "label": f"Level {value}"} for value in range(1, 6)],
        },
        "yes_no": {"options": [{"value": 0, "label": "No"}, {"value": 1, "label": "Yes"}]},
    },
    "default_response": "agreement",
    "items": [
        {"id": "a1", "text": "First A statement."},
        {"id": "a2", "text": "Second A statement, reversed.", "reverse": True},
        {"id": "a3", "text": "Third A statement."},
        {"id": "b1", "text": "First B statement."},
        {"id": "b2", "text": "Second B statement."},
        {"id": "b3", "text": "Third B statement, reversed.", "reverse": True},
        {"id": "s1", "text": "A yes or no question?", "response": "yes_no"},
    ],
    "sections": [
        {"id": "one", "title": "One", "items": ["a1", "a2", "a3"]},
        {"id": "two", "title": "Two", "items": ["b1", "b2", "b3", "s1"]},
    ],
    "scales": {
        "alpha_scale": {
            "title": "Alpha",
            "items": ["a1", "a2", "a3"],
            "bands": [
                {"key": "low", "from": 0, "to": 50, "label": "Low", "meaning": "Low meaning."},
                {"key": "high", "from": 50, "to": 100, "label": "High", "meaning": "High."},
            ],
        },
        "beta": {
            "title": "Beta",
            "items": ["b1", "b2", "b3"],
            "method": "sum",
            "min_answered": 0.6,
        },
    },
    "indices": {
        "both": {
            "title": "Both",
            "combine": [{"scale": "alpha_scale"}, {"scale": "beta", "reverse": True, "weight": 3}],
        }
    },
    "style": {
        "styles": {
            "first": {"title": "First", "combine": [{"scale": "alpha_scale"}]},
            "second": {"title": "Second", "combine": [{"scale": "beta"}]},
        },
        "mixed_within": 10,
        "switching": {"styles": ["first", "second"], "at_least": 70},
    },
    "plan": [
        {
            "strategy": "self_esteem",
            "priority": [{"scale": "alpha_scale", "reverse": True}],
            "when": [{"if": {"scale": "alpha_scale", "below": 50}, "because": "A is low."}],
        },
        {
            "strategy": "couples_counselling",
            "priority": [{"index": "both"}],
            "when": [{"if": {"always": True}, "because": "Always suggested here."}],
        },
    ],
    "flags": {
        "worry": {
            "title": "Worry",
            "message": "You said yes.",
            "when": {"item": "s1", "equals": 1},
            "plan": {
                "remove": ["couples_counselling"],
                "first": ["specialist_support"],
                "because": "Safety first.",
            },
        }
    },
    "reliability": {"alpha_scale": {"alpha": 0.84}},
    "norms": {"alpha_scale": {"mean": 50, "sd": 15}},
}


def tiny() -> dict[str, Any]:
    """Return a fresh copy of the tiny definition."""
    return copy.deepcopy(_TINY)
