"""Author fields as a reader should see them: a person's name, never a mail address or a "By".

RSS 2.0 puts an address in <author> ("news@riverside.example (Hannah Bell)"), mail-style headers write
"Hannah Bell <hb@example.org>", and pages print "By Hannah Bell". feedparser splits the first form with
an address pattern that stops at four-letter domains, leaving "ple (Hannah Bell"; so the raw field is
read here instead, the same way for feeds and pages.
"""

from __future__ import annotations

import re

_EMAIL = r"(?:mailto:)?[\w.+'-]+@[\w-]+(?:\.[\w-]+)+"
_EMAIL_RE = re.compile(_EMAIL, re.IGNORECASE)
# "address (Name)", "Name <address>", "Name (address)"
_FORMS = (
    re.compile(rf"^<?{_EMAIL}>?\s*\((?P<name>[^()]*)\)$", re.IGNORECASE),
    re.compile(rf"^(?P<name>[^<>]*?)\s*<\s*{_EMAIL}\s*>$", re.IGNORECASE),
    re.compile(rf"^(?P<name>[^()]*?)\s*\(\s*{_EMAIL}\s*\)$", re.IGNORECASE),
)
_PREFIX = re.compile(r"^(?:by|written by|von|por|par|autor(?:in)?|author)\s*:?\s+(?=\S)", re.IGNORECASE)
_EDGES = " ,;:|·•/-–—()<>[]\"'"


def byline_clean(raw: str | None) -> str:
    """The name in an author field; "" when the field holds only an address or nothing."""
    if not raw:
        return ""
    text = " ".join(raw.split())
    for form in _FORMS:
        if match := form.match(text):
            text = match.group("name")
            break
    text = _EMAIL_RE.sub(" ", text)
    text = " ".join(text.split()).strip(_EDGES)
    return _PREFIX.sub("", text).strip(_EDGES)
