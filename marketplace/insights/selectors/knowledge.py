"""Knowledge-base reads: visible articles (published for everyone, drafts for MPS staff), search and tag filter,
attachments whose owner the user may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from marketplace.accounts.permissions import is_mps_staff
from marketplace.core.search import search_filter
from marketplace.insights.models import Article, ArticleStatus, Attachment, Tag
from marketplace.insights.services.knowledge import SEARCH_KIND


def article_list(user: Any, *, q: str = "", tag: str = "", kind: str = "") -> QuerySet[Article]:
    articles = (
        Article.objects.all()
        if is_mps_staff(user)
        else Article.objects.filter(status=ArticleStatus.PUBLISHED)
    )
    if tag:
        articles = articles.filter(tags__slug=tag)
    if kind:
        articles = articles.filter(kind=kind)
    articles = search_filter(articles, q, kind=SEARCH_KIND)
    return articles.prefetch_related("tags").order_by("-published_at", "-pk").distinct()


def article_get_visible_to(user: Any, pk: int) -> Article:
    article = article_list(user).filter(pk=pk).prefetch_related("authors", "attachments").first()
    if article is None:
        raise Http404
    return article


def tag_list_with_counts(user: Any) -> QuerySet[Tag]:
    published = Q() if is_mps_staff(user) else Q(articles__status=ArticleStatus.PUBLISHED)
    return (
        Tag.objects.annotate(article_count=Count("articles", filter=published, distinct=True))
        .filter(article_count__gt=0)
        .order_by("name")
    )


def attachment_get_visible_to(user: Any, pk: int) -> Attachment:
    """An article's file when the user may see the article; a meeting's slides for everyone."""
    attachment = Attachment.objects.select_related("article").filter(pk=pk).first()
    if attachment is None:
        raise Http404
    if attachment.article is not None and not (attachment.article.is_published or is_mps_staff(user)):
        raise Http404
    return attachment
