from django.urls import path

from tandem.journal import feeds
from tandem.journal.views import comments, editors, reading

app_name = "journal"

urlpatterns = [
    path("", reading.index, name="index"),
    path("feed/atom/", feeds.LatestArticlesAtomFeed(), name="feed_atom"),
    path("feed/rss/", feeds.LatestArticlesFeed(), name="feed_rss"),
    path("topics/", reading.topic_list, name="topics"),
    path("topics/<slug:slug>/", reading.topic_detail, name="topic"),
    path("topics/<slug:slug>/feed/atom/", feeds.TopicAtomFeed(), name="topic_feed_atom"),
    path("topics/<slug:slug>/feed/rss/", feeds.TopicFeed(), name="topic_feed_rss"),
    path("authors/<slug:slug>/", reading.author_detail, name="author"),
    path("moderation/", editors.moderation_queue, name="moderation"),
    path("moderation/<int:pk>/reply/", editors.staff_reply, name="staff_reply"),
    path("preview/<int:pk>/", editors.article_preview, name="preview"),
    path("comments/delete/<str:token>/", comments.comment_delete, name="comment_delete"),
    path(
        "comments/unsubscribe/<str:token>/",
        comments.comment_unsubscribe,
        name="comment_unsubscribe",
    ),
    path("<slug:slug>/", reading.article_detail, name="article"),
    path("<slug:slug>/comments/", comments.comment_create, name="comment_create"),
]
