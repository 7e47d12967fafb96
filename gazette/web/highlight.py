"""citations_highlight: wrap the sentences an answer cites in the article's stored HTML, for #cite-N links.

The stored HTML is already sanitised; the wrapping is done on the parsed tree (lxml), so nothing a reader
typed ever reaches the markup. Sentences come from the article's plain text, whose spacing and quotes may
differ from the HTML's, so matching compares letters and digits only. A sentence that runs across inline
elements (a link inside it) is wrapped piece by piece; only the first piece carries the anchor id.
"""

from __future__ import annotations

from dataclasses import dataclass

import lxml.html
from lxml import etree

# Punctuation that belongs to the end of a cited sentence although it is not a letter or digit.
_TRAILING = ".!?…\"'”’)]"


@dataclass(frozen=True)
class _Slot:
    """One text run of the tree: an element's .text or .tail."""

    element: etree._Element
    is_tail: bool

    def get(self) -> str:
        return (self.element.tail if self.is_tail else self.element.text) or ""

    def set(self, value: str) -> None:
        if self.is_tail:
            self.element.tail = value
        else:
            self.element.text = value


def _slots(root: etree._Element) -> list[_Slot]:
    slots: list[_Slot] = []

    def walk(element: etree._Element) -> None:
        if element.text:
            slots.append(_Slot(element, False))
        for child in element:
            if not isinstance(child.tag, str):  # comments and processing instructions
                if child.tail:
                    slots.append(_Slot(child, True))
                continue
            walk(child)
            if child.tail:
                slots.append(_Slot(child, True))

    walk(root)
    return slots


def _key(text: str) -> tuple[str, list[int]]:
    """Lower-cased letters and digits of `text`, with each one's position in `text`."""
    chars: list[str] = []
    positions: list[int] = []
    for i, ch in enumerate(text):
        if ch.isalnum():
            chars.append(ch.lower())
            positions.append(i)
    return "".join(chars), positions


def citations_highlight(html: str, sentences: list[str]) -> tuple[str, list[bool]]:
    """The HTML with sentence N wrapped in <mark class="cite" id="cite-N"> (N from 1); and which were found."""
    if not html.strip() or not sentences:
        return html, [False] * len(sentences)
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    slots = _slots(root)
    texts = [slot.get() for slot in slots]
    full = "".join(texts)
    starts = []
    offset = 0
    for text in texts:
        starts.append(offset)
        offset += len(text)
    key, positions = _key(full)

    pieces: dict[int, list[tuple[int, int, int, bool]]] = {}  # slot -> (start, end, citation, is_first)
    found = []
    taken: list[tuple[int, int]] = []
    for number, sentence in enumerate(sentences, start=1):
        wanted, _ = _key(sentence)
        at = key.find(wanted) if wanted else -1
        while at >= 0 and any(a < at + len(wanted) and at < b for a, b in taken):
            at = key.find(wanted, at + 1)
        if at < 0:
            found.append(False)
            continue
        taken.append((at, at + len(wanted)))
        found.append(True)
        begin = positions[at]
        end = positions[at + len(wanted) - 1] + 1
        while end < len(full) and full[end] in _TRAILING:
            end += 1
        first = True
        for index, (slot_start, text) in enumerate(zip(starts, texts, strict=True)):
            lo, hi = max(begin, slot_start), min(end, slot_start + len(text))
            if lo >= hi or not full[lo:hi].strip():
                continue
            pieces.setdefault(index, []).append((lo - slot_start, hi - slot_start, number, first))
            first = False
    for index, wraps in pieces.items():
        _wrap(slots[index], sorted(wraps, reverse=True))
    inner = (root.text or "") + "".join(
        etree.tostring(child, encoding="unicode", method="html") for child in root
    )
    return inner, found


def _wrap(slot: _Slot, wraps: list[tuple[int, int, int, bool]]) -> None:
    """Split one text run around each piece, last piece first so earlier offsets stay valid."""
    element = slot.element
    for start, end, number, first in wraps:
        text = slot.get()
        mark = etree.Element("mark", {"class": "cite"})
        if first:
            mark.set("id", f"cite-{number}")
        mark.text = text[start:end]
        mark.tail = text[end:]
        slot.set(text[:start])
        if slot.is_tail:
            parent = element.getparent()
            parent.insert(parent.index(element) + 1, mark)
        else:
            element.insert(0, mark)
