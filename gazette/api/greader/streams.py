"""Streams: what a stream id names for one reader, the labels they have, and the filters apps send."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth.models import User
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet

from gazette.accounts.labels import labelled_articles, reader_label_names
from gazette.accounts.models import Follow, SavedArticle
from gazette.accounts.reading import followed_source_ids, unread_condition
from gazette.api.greader.ids import (
    FEED_PREFIX,
    LABEL_PREFIX,
    READ,
    READING_LIST,
    STARRED,
    ProtocolError,
    continuation_parse,
    stream_id_normal,
)
from gazette.articles.models import Article
from gazette.sources.models import Category, Source
from gazette.stories.models import ArticleTopic, Story, StoryMember, Topic

# Apps ask for 1,000 ids at a time and 20 to 1,000 items; more in one answer only costs the server.
ITEMS_MAX = 1000
IDS_MAX = 10_000
DEFAULT_N = 20
TOPIC_LABEL = "Topic: "
STORY_LABEL = "Story: "


def story_label(title: str) -> str:
    return f"{STORY_LABEL}{title}"


@dataclass
class Labels:
    """A reader's labels: their followed sources' categories (folders), followed topics and stories, and
    the labels they put on items themselves (`own`)."""

    categories: dict[str, Category] = field(default_factory=dict)
    topics: dict[str, Topic] = field(default_factory=dict)
    stories: dict[str, Story] = field(default_factory=dict)
    own: list[str] = field(default_factory=list)

    def names(self) -> list[str]:
        return [*self.categories, *self.topics, *self.stories, *self.own]

    def taken(self, name: str) -> bool:
        """A name the site's own data gives (a folder, a topic or story label): items cannot take it."""
        return name in self.categories or name.startswith((TOPIC_LABEL, STORY_LABEL))


def reader_labels(*, user: User) -> Labels:
    labels = Labels()
    for category in Category.objects.filter(sources__in=followed_source_ids(user=user)).distinct():
        labels.categories[category.name] = category
    for follow in (
        Follow.objects.filter(user=user).exclude(topic=None, story=None).select_related("topic", "story")
    ):
        if follow.topic is not None:
            labels.topics[f"{TOPIC_LABEL}{follow.topic.name}"] = follow.topic
        elif follow.story is not None:
            labels.stories[story_label(follow.story.title)] = follow.story
    # A folder named like an older label of the reader's wins: the label's items stay, out of sight.
    labels.own = [name for name in reader_label_names(user=user) if not labels.taken(name)]
    return labels


def _source(raw: str) -> Source:
    """feed/12 (as subscription/list gives it) or feed/https://… (as apps write a new one)."""
    key = raw[len(FEED_PREFIX) :]
    found = Source.objects.filter(pk=int(key)).first() if key.isdigit() else None
    found = found or Source.objects.filter(feed_url=key).first()
    if found is None:
        raise ProtocolError(f"unknown stream: {raw[:120]}")
    return found


def stream_source(raw: str) -> Source:
    raw = stream_id_normal(raw)
    if not raw.startswith(FEED_PREFIX):
        raise ProtocolError(f"not a feed: {raw[:120]}")
    return _source(raw)


@dataclass(frozen=True)
class Target:
    """What a stream id names: some sources (read by watermark) or a set of articles."""

    articles: QuerySet[Article]
    sources: QuerySet[Source] | None = None


def stream_target(*, user: User, stream: str) -> Target:
    """The articles a stream id names for this reader; ProtocolError for an unknown one."""
    stream = stream_id_normal(stream)
    followed = followed_source_ids(user=user)
    if stream in (READING_LIST, ""):
        sources = Source.objects.filter(pk__in=followed)
        return Target(Article.objects.filter(source_id__in=followed), sources)
    if stream == STARRED:
        return Target(Article.objects.filter(saved_by__user=user))
    if stream == READ:
        return Target(Article.objects.filter(source_id__in=followed).exclude(unread_condition(user=user)))
    if stream.startswith(FEED_PREFIX):
        source = _source(stream)
        return Target(Article.objects.filter(source=source), Source.objects.filter(pk=source.pk))
    if stream.startswith(LABEL_PREFIX):
        name = stream[len(LABEL_PREFIX) :]
        labels = reader_labels(user=user)
        if name in labels.categories:
            sources = Source.objects.filter(pk__in=followed, categories=labels.categories[name])
            return Target(Article.objects.filter(source__in=sources), sources)
        if name in labels.topics:
            ids = ArticleTopic.objects.filter(topic=labels.topics[name]).values("article_id")
            return Target(Article.objects.filter(pk__in=ids))
        if name in labels.own:
            return Target(labelled_articles(user=user, name=name))
        story = labels.stories.get(name)
        if story is None and name.startswith(STORY_LABEL):
            # Items carry their story's label whether or not the reader follows it.
            story = Story.objects.filter(title=name[len(STORY_LABEL) :], merged_into=None).first()
        if story is not None:
            members = StoryMember.objects.filter(Q(story=story) | Q(story__merged_into=story))
            return Target(Article.objects.filter(pk__in=members.values("article_id")))
    raise ProtocolError(f"unknown stream: {stream[:120]}")


def with_state(articles: QuerySet[Article], *, user: User) -> QuerySet[Article]:
    """Annotate is_unread and is_starred for this reader."""
    return articles.annotate(
        is_unread=ExpressionWrapper(unread_condition(user=user), output_field=BooleanField()),
        is_starred=Exists(SavedArticle.objects.filter(user=user, article=OuterRef("pk"))),
    )


def _state_condition(*, user: User, state: str, param: str) -> Q:
    """The condition 'has this state'; xt negates it."""
    state = stream_id_normal(state)
    if state == READ:
        return ~unread_condition(user=user)
    if state == STARRED:
        return Q(Exists(SavedArticle.objects.filter(user=user, article=OuterRef("pk"))))
    if state == READING_LIST:
        return Q(source_id__in=followed_source_ids(user=user))
    raise ProtocolError(f"{param}: unsupported state {state[:120]}")


@dataclass(frozen=True)
class StreamQuery:
    """n, c, ot, nt, xt, it and r as an app sent them, checked."""

    n: int = DEFAULT_N
    oldest_first: bool = False
    after: tuple[datetime, int] | None = None
    since: datetime | None = None
    until: datetime | None = None
    exclude: tuple[str, ...] = ()
    include: tuple[str, ...] = ()


def stream_query(params, *, cap: int, from_seconds) -> StreamQuery:
    """Read the stream parameters from a QueryDict; ProtocolError names the bad one."""
    raw_n = params.get("n", "") or str(DEFAULT_N)
    try:
        n = int(raw_n)
    except ValueError:
        raise ProtocolError("n must be a whole number") from None
    if n < 1:
        raise ProtocolError("n must be at least 1")
    raw_c = params.get("c", "")
    return StreamQuery(
        n=min(n, cap),
        oldest_first=params.get("r", "") == "o",
        after=continuation_parse(raw_c) if raw_c else None,
        since=from_seconds(params["ot"], "ot") if params.get("ot") else None,
        until=from_seconds(params["nt"], "nt") if params.get("nt") else None,
        exclude=tuple(params.getlist("xt")),
        include=tuple(params.getlist("it")),
    )


def stream_filtered(*, user: User, articles: QuerySet[Article], query: StreamQuery) -> QuerySet[Article]:
    """The stream's articles after the filters and the continuation, in its order (no limit yet)."""
    for state in query.exclude:
        articles = articles.exclude(_state_condition(user=user, state=state, param="xt"))
    for state in query.include:
        articles = articles.filter(_state_condition(user=user, state=state, param="it"))
    if query.since is not None:
        articles = articles.filter(published_at__gte=query.since)
    if query.until is not None:
        articles = articles.filter(published_at__lt=query.until)
    if query.after is not None:
        published, pk = query.after
        if query.oldest_first:
            articles = articles.filter(Q(published_at__gt=published) | Q(published_at=published, pk__gt=pk))
        else:
            articles = articles.filter(Q(published_at__lt=published) | Q(published_at=published, pk__lt=pk))
    order = ("published_at", "id") if query.oldest_first else ("-published_at", "-id")
    return articles.order_by(*order)
