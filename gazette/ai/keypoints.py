"""Key points: three to five short bullets, from the LLM when one is configured, else from the article.

The built-in bullets are the article's most central, least redundant sentences (the summary's scorer with
a flatter position prior and stronger MMR, so they reach past the lead), in article order, trimmed of
datelines and trailing attributions so that each reads as one fact. The panel shows them under the
summary, so the summary's sentences are left out (and count as repeats for MMR); the summary's rules
for prose apply too, so no bullet is a caption, a byline, a half-quotation or an unanchored "He said…".
"""

from __future__ import annotations

import dataclasses
import logging
import re
from dataclasses import dataclass

from gazette.ai.llm import LLMError, LLMGateway
from gazette.ai.sentences import sentences_split
from gazette.ai.summarize import SummaryOptions, quotes_balanced, sentences_select

log = logging.getLogger(__name__)

MIN_POINTS = 3
MAX_POINTS = 5
# Key points keep the weights they were read with: the summary's were retuned for its own length.
KEYPOINT_OPTIONS = dataclasses.replace(
    SummaryOptions(), lead_decay=0.4, centrality_weight=0.4, mmr_lambda=0.5, max_words=45, words_enough=0
)
BUILT_IN_METHOD = "extractive"
LLM_MAX_CHARS = 6000
LLM_MAX_TOKENS = 220

# "PUERTO SALINAS, Chile (Meridian Wire) - " and "LONDON — " at the start of a wire story.
_DATELINE = re.compile(r"^[A-Z][A-Z .'’-]+(?:,\s*[A-Z][\w .'’-]*)?\s*(?:\([^)]*\))?\s*[-–—]+\s+")
# ", officials said." / ", according to the ministry." at the end of a sentence.
_ATTRIBUTION = re.compile(
    r",\s+(?:(?:[\w'’-]+\s+){0,5}(?:said|says|told \w+|reported|added)|according to [^,]{3,60})\.?\s*$"
)


@dataclass
class KeyPoints:
    points: list[str]
    method: str  # BUILT_IN_METHOD, or "llm:<model>"
    model: str | None = None


def keypoints_build(
    *,
    title: str | None,
    text: str,
    n: int = 4,
    llm: LLMGateway | None = None,
    summary: list[str] | None = None,
) -> KeyPoints:
    """`n` (clamped to 3–5) bullets stating the article's main facts; fewer only for very short texts.

    The LLM's when a gateway is given and it answers with enough bullets, else the built-in ones, which
    never repeat a sentence of `summary` (by default the built-in summary's).
    """
    n = max(MIN_POINTS, min(MAX_POINTS, n))
    if llm is not None:
        try:
            points = _llm_points(title=title, text=text, n=n, llm=llm)
        except LLMError as exc:
            log.warning("keypoints: no LLM reply (%s); using the built-in method", exc)
        else:
            if len(points) >= min(MIN_POINTS, n):
                return KeyPoints(points=points[:n], method=f"llm:{llm.model}", model=llm.model)
            log.info("keypoints: the LLM gave %d bullet(s); using the built-in method", len(points))
    sentences = sentences_split(text)
    if summary is None:
        shown = sentences_select(title=title, sentences=sentences, count=SummaryOptions().sentences)
    else:
        wanted = {" ".join(s.split()) for s in summary}
        shown = [i for i, s in enumerate(sentences) if " ".join(s.split()) in wanted]
    chosen = sentences_select(
        title=title, sentences=sentences, count=n, options=KEYPOINT_OPTIONS, exclude=shown
    )
    trimmed = (point_trim(sentences[i]) for i in chosen)
    return KeyPoints(points=[point for point in trimmed if quotes_balanced(point)], method=BUILT_IN_METHOD)


def point_trim(sentence: str) -> str:
    """The sentence as a bullet: dateline and trailing attribution removed, ending with a full stop."""
    trimmed = _DATELINE.sub("", sentence, count=1)
    if trimmed[:1] not in "\"“‘'":
        trimmed = _ATTRIBUTION.sub("", trimmed)
    trimmed = trimmed.strip()
    if not trimmed:
        return sentence
    trimmed = trimmed[0].upper() + trimmed[1:]
    return trimmed if trimmed[-1] in '.!?"”’' else trimmed + "."


def _llm_points(*, title: str | None, text: str, n: int, llm: LLMGateway) -> list[str]:
    system = (
        f"List the {n} most important facts of the news article below as {n} short bullet points, "
        "one per line, each starting with '- '. Use only facts stated in the article."
    )
    user = (f"Title: {title}\n\n" if title else "") + f"Article:\n{text[:LLM_MAX_CHARS]}"
    reply = llm.chat(
        [{"role": "system", "content": system}, {"role": "user", "content": user}], max_tokens=LLM_MAX_TOKENS
    )
    points = []
    for line in reply.splitlines():
        line = re.sub(r"^\s*(?:[-*•]|\d+[.)])\s*", "", line).strip()
        if len(line.split()) >= 3:
            points.append(line)
    return points
