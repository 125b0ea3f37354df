from django.urls import path

from tandem.journal import feeds, views

app_name = "journal"

urlpatterns = [
    path("", views.index, name="index"),
    path("feed/atom/", feeds.LatestArticlesAtomFeed(), name="feed_atom"),
    path("feed/rss/", feeds.LatestArticlesFeed(), name="feed_rss"),
    path("topics/", views.topic_list, name="topics"),
    path("topics/<slug:slug>/", views.topic_detail, name="topic"),
    path("topics/<slug:slug>/feed/atom/", feeds.TopicAtomFeed(), name="topic_feed_atom"),
    path("topics/<slug:slug>/feed/rss/", feeds.TopicFeed(), name="topic_feed_rss"),
    path("authors/<slug:slug>/", views.author_detail, name="author"),
    path("moderation/", views.moderation_queue, name="moderation"),
    path("moderation/<int:pk>/reply/", views.staff_reply, name="staff_reply"),
    path("preview/<int:pk>/", views.article_preview, name="preview"),
    path("comments/delete/<str:token>/", views.comment_delete, name="comment_delete"),
    path(
        "comments/unsubscribe/<str:token>/",
        views.comment_unsubscribe,
        name="comment_unsubscribe",
    ),
    path("<slug:slug>/", views.article_detail, name="article"),
    path("<slug:slug>/comments/", views.comment_create, name="comment_create"),
]
