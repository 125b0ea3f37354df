"""The couple report's words: what each balance means, conversation starters, and the shared
plan's exercises to do together. Every sentence is our own.

Keys are the Couple Balance Check's scale keys; a scale without words here (a practice's own
couple instrument) gets the plain fallbacks, so no instrument needs code to be shown.
"""

from __future__ import annotations

#: How "more" reads for each balance, as (you ..., they ..., Parker ...): "You feel you give
#: more time", "Parker feels they give more time", "You feel Parker gives more time".
GIVES_MORE = {
    "time": ("give more time", "give more time", "gives more time"),
    "attention": ("give more attention", "give more attention", "gives more attention"),
    "energy": ("put in more energy", "put in more energy", "puts in more energy"),
    "commitment": (
        "put more into your future together",
        "put more into your future together",
        "puts more into your future together",
    ),
    "ownership": (
        "own your part more readily",
        "own their part more readily",
        "owns their part more readily",
    ),
    "control": ("steer the other more", "steer the other more", "steers the other more"),
}
GIVES_MORE_FALLBACK = ("give more", "give more", "gives more")

#: Which part of the report each balance belongs to.
RESOURCES = ("time", "attention", "energy", "commitment")
RESPONSIBILITY = ("ownership",)
CONTROL = ("control",)

STARTER_DIFFER = {
    "time": "Think of last week together. Each of you say when it felt like enough time, and "
    "when it did not.",
    "attention": "Ask each other: “When do you feel most listened to by me?” Listen to the "
    "answer without correcting it.",
    "energy": "Write down, separately, everything that keeps your home and plans going. "
    "Compare the lists with curiosity, not as a score.",
    "commitment": "Each of you name one thing you are looking forward to together, and one "
    "thing you have given up for the relationship.",
    "ownership": "Pick a small recent disagreement. Each say one thing you could have done "
    "differently, and nothing about what the other could have done.",
    "control": "Talk about a recent decision that affected you both. How was it made, and "
    "how would each of you like such decisions to be made?",
}
STARTER_DIFFER_FALLBACK = (
    "You see this differently. Ask each other what you notice here, and listen to the answer "
    "before giving your own."
)
STARTER_LEANS = {
    "time": "You both see one of you giving more time. Ask: what would make it feel fairer?",
    "attention": "You both see one of you giving more attention. Ask: what would help the "
    "other give some back?",
    "energy": "You both see one of you carrying more of the load. Choose one task to share "
    "differently this week.",
    "commitment": "You both see one of you putting more into your future. Talk about what "
    "each of you hopes for.",
    "ownership": "You both see one of you owning their part more readily. Ask what makes "
    "saying “I got that wrong” hard or easy.",
    "control": "You both see one of you steering the other more. Talk about where each of "
    "you would like more say.",
}
STARTER_MEET = (
    "You see this the same way, and it feels balanced. Tell each other what helps keep it so."
)

#: The shared plan's exercises to do together, by strategy key (strategies.yaml).
TOGETHER = {
    "listening": (
        "Take turns of ten minutes: one talks about something that matters to them, the other "
        "only listens, then sums up what they heard and asks “Have I got that right?”",
        "Once a week, ask each other “What did I miss this week?” and listen without explaining.",
    ),
    "needs_boundaries": (
        "Each write one thing you need more of and one thing you would like less of. Swap the "
        "notes and agree one small change each.",
        "Practise saying no to each other about something small, and thanking the other for "
        "saying it plainly.",
    ),
    "self_esteem": (
        "Each evening for a week, tell each other one thing you valued in what the other did "
        "that day.",
        "Write down three strengths you see in your partner, and read them to each other.",
    ),
    "own_goals": (
        "Each name one goal of your own for the next three months, and one way the other "
        "could support it without taking it over.",
    ),
    "alone": (
        "Plan an evening apart, each doing something you enjoy alone, and tell each other "
        "about it afterwards.",
    ),
    "attachment": (
        "Read one article on attachment separately, then talk about what each of you "
        "recognised in yourself, not in the other.",
    ),
    "couples_counselling": (
        "Look for a couples therapist together, and agree beforehand what each of you hopes "
        "a first session will help with.",
    ),
}

MEET_WORDS = "You see this much the same way."
DIFFER_WORDS = "You see this differently: a good thing to talk about."
NOT_COMPARED_WORDS = "One of you did not answer this, so it is not compared."
