"""What a reader sees in the AI panel on the demo corpus: summaries and key points, counted for known faults.

Every demo article goes through the real pure pipeline (feed parsed, teaser pages fetched from the
rendered demo site, extract -> clean -> sanitise), then the built-in summary and key points are made
from the stored text, as the enrich job does. Counted over all articles:
  - summaries and key points that begin with the photo caption (the corpus says what each caption is);
  - summaries and key points holding a caption, byline, newsroom tip line or section label anywhere;
  - sentences opening with a pronoun whose antecedent (the article's sentence before) is not shown
    right before them;
  - key points repeating a summary sentence or with unbalanced quote marks;
  - articles whose stored text starts with a section label or holds a newsroom tip line.

    python bench/demo_summaries.py [--show N] [--senter]

--show prints N articles' summaries and key points in full, to read them as a reader would.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from gazette.ai.keypoints import keypoints_build  # noqa: E402
from gazette.ai.sentences import sentences_split  # noqa: E402
from gazette.ai.summarize import summary_build  # noqa: E402
from gazette.demo.pages import SECTIONS  # noqa: E402
from gazette.demo.site import DemoSite  # noqa: E402
from gazette.ingest.feeds import parse_feed  # noqa: E402
from gazette.ingest.pipeline import ArticleDraft, PipelineOptions, article_build, entry_is_teaser  # noqa: E402

BASE_URL = "http://127.0.0.1:8765"
NOW = datetime(2024, 5, 20, 12, 0, tzinfo=UTC)
# a pronoun first, a quotation attributed to a pronoun, or a quotation with no speaker at all
_PRONOUN = re.compile(
    r"^(?:he|she|they|it|this|these|those|his|her|their|its)\b|"
    r"^[\"“].*[\"”],? (?:he|she|they) (?:said|says|added|told)\b|^[\"“][^\"“”]*[\"”]$",
    re.I,
)
_TIP = re.compile(r"news ?tip|got a story|contact the newsroom|send (?:us )?(?:a )?tips?", re.I)


def drafts(site: DemoSite) -> list[tuple[dict, ArticleDraft]]:
    """Every demo article as the live pipeline would store it, with the corpus record beside it."""
    options = PipelineOptions()
    by_path = {urlsplit(a["url"]).path: a for a in site.articles()}
    out = []
    for feed_url in site.feed_urls():
        rendered = site.render(urlsplit(feed_url).path)
        assert rendered is not None
        status, content_type, body = rendered
        for entry in parse_feed(body, feed_url, content_type).entries:
            path = urlsplit(entry.url or "").path
            page = site.render(path) if entry_is_teaser(entry, options) else None
            draft = article_build(
                entry, feed_url=feed_url, page_html=page[2] if page else None,
                page_url=entry.url if page else None, options=options, now=NOW,
            )  # fmt: skip
            out.append((by_path[path], draft))
    return out


def _position(sentences: list[str], item: str) -> int:
    """Index of the article sentence a summary sentence or (trimmed) key point came from; -9 if none."""
    probe = item.rstrip(".")[1:60]
    return next((i for i, s in enumerate(sentences) if probe in s), -9)


def _balanced(text: str) -> bool:
    straight = text.count('"') % 2 == 0
    curly = text.count("“") == text.count("”")
    return straight and curly


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--show", type=int, default=3, help="print this many articles' panels in full")
    parser.add_argument("--senter", action="store_true", help="split sentences again with spaCy's senter")
    args = parser.parse_args()
    if args.senter:
        from senter import senter_install

        senter_install()
    site = DemoSite(BASE_URL, now=NOW)
    sections = {s.lower() for s in SECTIONS} | {s.lower() for subs in SECTIONS.values() for s in subs}
    counts: Counter[str] = Counter(
        dict.fromkeys(["summary begins with the caption", "key points begin with the caption"], 0)
    )
    shown = 0
    articles = drafts(site)
    for record, draft in articles:
        caption = (record.get("image_alt") or "").strip()
        summary = summary_build(title=draft.title, text=draft.content_text).sentences
        points = keypoints_build(title=draft.title, text=draft.content_text).points
        first_block = draft.content_text.split("\n", 1)[0].strip()
        author = (record.get("author") or "").strip()
        counts["articles"] += 1
        counts["with a caption"] += bool(caption)
        counts["text starts with a section label"] += first_block.lower() in sections
        counts["text holds a tip line"] += bool(_TIP.search(draft.content_text))
        counts["author differs from the corpus"] += draft.author != author
        if caption and summary and summary[0].startswith(caption):
            counts["summary begins with the caption"] += 1
        if caption and points and points[0].startswith(caption):
            counts["key points begin with the caption"] += 1
        sentences = sentences_split(draft.content_text)
        for label, items in (("summary", summary), ("key point", points)):
            previous = -2
            for item in items:
                byline = item.startswith("By ") and len(item.split()) <= 8
                bad = (caption and caption in item) or byline or _TIP.search(item)
                counts[f"{label} sentences with a caption/byline/tip"] += bool(bad)
                index = _position(sentences, item)
                # a pronoun is resolved when the article's sentence before it is shown right before it
                unresolved = _PRONOUN.match(item) and index != previous + 1
                counts[f"{label} sentences opening with an unresolved pronoun"] += bool(unresolved)
                counts[f"{label} sentences"] += 1
                previous = index
        counts["key points unbalanced quotes"] += sum(not _balanced(p) for p in points)
        counts["key points repeating the summary"] += sum(
            any(p.rstrip(".") in s or s.rstrip(".") in p for s in summary) for p in points
        )
        if shown < args.show and caption:
            shown += 1
            print(f"\n== {draft.title}  [{record['outlet']}]  by {draft.author or '-'}")
            print("summary:", " ".join(summary))
            for p in points:
                print("  -", p)
    print()
    width = max(len(k) for k in counts)
    for key in sorted(counts):
        print(f"{key:{width}}  {counts[key]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
