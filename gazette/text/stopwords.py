"""The one stopword list, from data/stopwords.txt.

A data file, not spaCy's STOP_WORDS: importing that list imports all of spaCy (2.5 s and about 290 MiB
measured here), which the web processes that match headlines never need, and it drops words that carry
news ("show", "serious", "part", "side", "top"). The file merges the three lists this project had.
"""

from __future__ import annotations

from gazette.text.lexicons import word_list

STOPWORDS: frozenset[str] = word_list("stopwords")
