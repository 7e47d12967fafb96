"""Text primitives every stage shares: one tokenizer, one stopword list, one stemmer, places, lexicons.

A package of its own rather than a module of one app, because the story stages, the AI features and the
web pages all compare words, and each had grown its own word regex, stopword list and suffix stripper
that drifted apart. It has no models and no Django: plain functions over strings, and the word lists in
data/, read by lexicons.py and nowhere else.

  tokens.py     normalize() and words(): the one tokenizer; shingles() for copy detection
  stopwords.py  STOPWORDS, from data/stopwords.txt
  stems.py      stem() (Snowball English, through PyStemmer) and terms(): stemmed content words
  places.py     countries (pycountry, with the short names news uses) and other well-known places
  lexicons.py   the data files: the topic taxonomy and its lexicon, entity and name words

Search-index stemming is the database's (SQLite FTS5's porter tokenizer, PostgreSQL's 'english'
configuration) and stays there: this package is for the comparisons Python makes.
"""
