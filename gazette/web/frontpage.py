"""What the front page shows of each list, so that every article appears on it once.

The lists are queried independently (top stories, latest, sections) and overlap: the newest article of
a top story is also the newest of all, and an article is in its topic's section too. They are read top
to bottom, so each list leaves out what an earlier one showed; and latest shows a story once, by its
newest article on the page, with the count of its other articles and a link to the story.
"""

from __future__ import annotations

from dataclasses import dataclass

from gazette.articles.models import Article
from gazette.stories.selectors import StoryOf


@dataclass(frozen=True)
class LatestCard:
    """A card of the latest list: the article, and its story's other originals when it has any."""

    article: Article
    story_id: int | None = None
    more: int = 0


def latest_group(
    *,
    articles: list[Article],
    stories: dict[int, StoryOf],
    shown: set[int],
    stories_above: set[int],
    limit: int,
) -> list[LatestCard]:
    """Latest articles in their order, one card per story; adds every article it accounts for to `shown`.

    A story's other articles on the page are folded into its card ("+N more from this story"): N counts
    all of the story's other originals, which is what its page lists. A story among the top stories
    above (`stories_above`) has its card there already, with its full coverage a click away. At most
    `limit` cards: `articles` is a window longer than a page, so that folding still fills the page.
    """
    cards: list[LatestCard] = []
    stories_shown = set(stories_above)
    for article in articles:
        if len(cards) >= limit:
            break
        if article.pk in shown:
            continue
        story = stories.get(article.pk)
        if story is None:
            cards.append(LatestCard(article))
            shown.add(article.pk)
            continue
        if story.story_id not in stories_shown:
            stories_shown.add(story.story_id)
            cards.append(LatestCard(article, story.story_id, max(story.originals - 1, 0)))
        shown.add(article.pk)
    return cards


def sections_dedupe(*, sections: list[tuple], shown: set[int], size: int) -> list[tuple]:
    """Each (url name, group, articles) section with at most `size` articles not shown above it."""
    result = []
    for url_name, group, articles in sections:
        fresh = [a for a in articles if a.pk not in shown][:size]
        shown.update(a.pk for a in fresh)
        if fresh:
            result.append((url_name, group, fresh))
    return result
