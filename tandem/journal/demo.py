"""The journal's own articles and a little demo conversation, loaded by ``seed_demo``.

Articles live as Markdown with YAML front matter in ``content/``; running the seed again
changes nothing unless a file changed (rows are saved only when a field differs).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, TextIO

import yaml
from allauth.account.models import EmailAddress
from django.db import transaction
from django.db.models import Model

from tandem.accounts.demo import DEMO_PASSWORD
from tandem.accounts.models import Role, User
from tandem.journal.models import Article, ArticleStatus, Author, Comment, CommentStatus, Topic

CONTENT_DIR = Path(__file__).resolve().parent / "content"

TOPICS = {
    "ways-of-relating": (
        "Ways of relating",
        "Dependent, codependent, counterdependent and interdependent: four patterns in how we "
        "lean on the people close to us.",
    ),
    "interdependence": (
        "Interdependence",
        "Able to stand on your own, choosing to lean on each other: what balance looks like.",
    ),
    "self-esteem": ("Self-esteem", "A steady sense of your own worth, built kindly."),
    "being-alone": ("Being alone", "Enjoying your own company, so closeness is a choice."),
    "listening": ("Listening", "Hearing each other without assuming or defending."),
    "boundaries": ("Needs and boundaries", "Saying what you need, and where your limits are."),
    "goals": ("Goals of your own", "Having something of your own to work towards."),
    "attachment": ("Attachment", "How early bonds can shape the way we love as adults."),
    "couples-counselling": (
        "Couples counselling",
        "When working with a counsellor together helps, and when it is not the right step.",
    ),
    "safety": (
        "Safety and getting help",
        "Fear, abuse, coercive control and crisis: where to find support now.",
    ),
    "codependency": ("Codependency", "When our sense of worth rests on another's response."),
    "counterdependency": ("Counterdependency", "When needing anyone feels like weakness."),
}

AUTHORS = {
    "tandem-editorial-team": {
        "name": "The Tandem editorial team",
        "credentials": "Editors of the Tandem journal (demo content)",
        "bio": "The team that writes and edits Tandem's articles. We write plainly, check what "
        "we say against good research, and ask therapists in our network to read articles on "
        "safety before they go out. In this demo the team is fictional.",
    },
    "morgan-ellis": {
        "name": "Morgan Ellis",
        "credentials": "Editor, Tandem journal (a fictional demo author)",
        "bio": "Morgan is a made-up member of Tandem's demo editorial team who writes about "
        "self-esteem, time alone and the small habits that make relationships feel lighter.",
    },
}

DEMO_EDITOR = "editor@demo.tandem.invalid"

# (article slug, name, email, body): waiting in the moderation queue for the demo editor.
DEMO_PENDING_COMMENTS = [
    (
        "four-ways-of-relating",
        "Rae",
        "rae@demo.tandem.invalid",
        "Is it normal to recognise myself in two of these at once? Some days I am one, some "
        "days the other.",
    ),
    (
        "what-interdependence-looks-like",
        "Nico",
        "nico@demo.tandem.invalid",
        "We tried the weekly check-in idea and it helped more than I expected.",
    ),
]

DEMO_COMMENTS = [
    # (article slug, name, email, body, reply from the team)
    (
        "four-ways-of-relating",
        "Jo",
        "jo@demo.tandem.invalid",
        "The part about swinging between the two really landed for me. I always thought I was "
        "just inconsistent.",
        "Thank you for saying so, Jo. Many readers tell us the same: it is a relief to see "
        "the two patterns as answers to the same worry.",
    ),
    (
        "what-interdependence-looks-like",
        "Priya",
        "priya@demo.tandem.invalid",
        "We tried the exercise of naming one thing we valued in each other. Small, but it "
        "changed the mood of the whole evening.",
        "",
    ),
]


def read_article_file(path: Path) -> tuple[dict[str, Any], str]:
    """Split a content file into its front matter (a dict) and its Markdown body."""
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---\n"):
        raise ValueError(f"{path.name}: the file must start with '---' and YAML front matter.")
    _, front, body = text.split("---\n", 2)
    meta = yaml.safe_load(front)
    if not isinstance(meta, dict):
        raise ValueError(f"{path.name}: the front matter must be a mapping.")
    for field in ("title", "slug", "summary", "topics", "author", "published"):
        if field not in meta:
            raise ValueError(f"{path.name}: front matter is missing '{field}'.")
    return meta, body.strip() + "\n"


def _save_if_changed(obj: Model, values: dict[str, Any]) -> bool:
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    if changed or obj.pk is None:
        obj.save()
        return True
    return False


def _upsert(model: type[Model], slug: str, values: dict[str, Any]) -> tuple[Any, bool]:
    obj = model._default_manager.filter(slug=slug).first() or model(slug=slug)
    return obj, _save_if_changed(obj, values)


@transaction.atomic
def seed(stdout: TextIO) -> None:
    topics = {
        slug: _upsert(Topic, slug, {"name": name, "description": description})[0]
        for slug, (name, description) in TOPICS.items()
    }
    authors = {slug: _upsert(Author, slug, values)[0] for slug, values in AUTHORS.items()}

    files = sorted(CONTENT_DIR.glob("*.md"))
    parsed = [read_article_file(path) for path in files]
    articles: dict[str, Article] = {}
    written = 0
    for meta, body in parsed:
        published = meta["published"]
        if isinstance(published, dt.date) and not isinstance(published, dt.datetime):
            published = dt.datetime.combine(published, dt.time(8, 0), tzinfo=dt.UTC)
        article, changed = _upsert(
            Article,
            meta["slug"],
            {
                "title": meta["title"],
                "summary": meta["summary"],
                "body": body,
                "author_id": authors[meta["author"]].pk,
                "status": ArticleStatus.PUBLISHED,
                "published_at": published,
                "check_slug": meta.get("check", ""),
                "show_directory_callout": True,
            },
        )
        wanted_topics = {topics[slug].pk for slug in meta["topics"]}
        if set(article.topics.values_list("pk", flat=True)) != wanted_topics:
            article.topics.set(wanted_topics)
            changed = True
        if changed:
            # Demo articles were "last updated" when they were written, not when seeded.
            Article.objects.filter(pk=article.pk).update(updated_at=published)
        written += changed
        articles[article.slug] = article
    for meta, _ in parsed:
        article = articles[meta["slug"]]
        wanted_related = {articles[slug].pk for slug in meta.get("related", [])}
        if set(article.related.values_list("pk", flat=True)) != wanted_related:
            article.related.set(wanted_related)

    for slug, name, email, body, reply in DEMO_COMMENTS:
        comment, _ = Comment.objects.get_or_create(
            article=articles[slug],
            email=email,
            body=body,
            defaults={"name": name, "status": CommentStatus.APPROVED},
        )
        if reply:
            Comment.objects.get_or_create(
                article=comment.article,
                parent=comment,
                is_staff_reply=True,
                body=reply,
                defaults={"name": "The Tandem editorial team", "status": CommentStatus.APPROVED},
            )
    for slug, name, email, body in DEMO_PENDING_COMMENTS:
        Comment.objects.get_or_create(
            article=articles[slug],
            email=email,
            body=body,
            defaults={"name": name, "status": CommentStatus.PENDING},
        )
    _editor()
    stdout.write(
        f"Journal: {len(articles)} articles ({written} new or changed), {len(topics)} topics, "
        f"{len(DEMO_PENDING_COMMENTS)} comments waiting for moderation. Editor: "
        f"{DEMO_EDITOR} (password: {DEMO_PASSWORD}; sets up two-step verification on first "
        "sign-in).\n"
    )


def _editor() -> None:
    user, created = User.objects.get_or_create(
        email=DEMO_EDITOR, defaults={"name": "Eden Editor", "role": Role.EDITOR}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
        EmailAddress.objects.create(user=user, email=DEMO_EDITOR, verified=True, primary=True)
