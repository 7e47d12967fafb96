"""`--senter` for the summary benches: spaCy's sentence segmenter after Gazette's splitter.

Each piece the regex splitter makes is split again where en_core_web_sm's `senter` sees a boundary, so
the regex's vetoes (abbreviations, decimals, times) stand and the model only adds boundaries. Installed
by replacing the splitter's per-paragraph step in this process, which every AI feature then uses.
"""

from __future__ import annotations

from typing import Any


def senter_install() -> None:
    """Make gazette.ai.sentences split each regex piece again with spaCy's senter."""
    import spacy

    from gazette.ai import sentences
    from gazette.stories.entities import bundled_model_path

    components = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner")
    nlp = spacy.load(bundled_model_path(), exclude=list(components))
    senter: Any = nlp.get_pipe("senter")
    regex_split = sentences._split_paragraph

    def split(paragraph: str) -> list[str]:
        out: list[str] = []
        for piece in regex_split(paragraph):
            out.extend(s.text.strip() for s in senter(nlp.make_doc(piece)).sents if s.text.strip())
        return out

    sentences._split_paragraph = split  # type: ignore[assignment]
