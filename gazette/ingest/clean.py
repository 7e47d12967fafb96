"""Clean stage: drop page furniture that survived extraction, block by block.

Runs right after extract and before sanitize. Works on the content HTML (so text and HTML stay
in step) and rebuilds the text from what is kept.

Why hand-written rules: extractors such as trafilatura decide which *region* of a page is the
article, but the region itself still carries lines a reader never wants — "Read more:" teasers,
newsletter and app prompts, photo credits, the headline and dateline repeated above the text.
No maintained library removes these line by line, so the patterns live in one table below.
They describe kinds of boilerplate (short lines built from call-to-action vocabulary), never a
particular site, and each only fires on short blocks so that article prose is left alone.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urljoin

from lxml import etree

from gazette.ingest.extract import Extracted
from gazette.ingest.sanitize import element_to_text, parse_fragment


@dataclass(frozen=True)
class Rule:
    name: str
    pattern: re.Pattern[str]
    max_chars: int  # the rule only applies to blocks at most this long


def _rule(name: str, max_chars: int, *alternatives: str) -> Rule:
    return Rule(name, re.compile("|".join(f"(?:{a})" for a in alternatives)), max_chars)


_CTA_VERBS = (
    r"subscribe|sign[ -]?up|sign[ -]?in|log[ -]?in|register|download|follow|join|"
    r"abonnieren|abonniere|anmelden|registrieren|folgen|herunterladen|"
    r"suscr[ií]be(?:te)?|reg[ií]strate|[uú]nete|s'abonner|abonnez-vous|inscrivez-vous|"
    r"zapisz si[eę]|subskrybuj"
)

# Kinds of boilerplate lines, matched against the lower-cased text of one block.
JUNK_RULES: tuple[Rule, ...] = (
    # teaser links to other stories: a "read more"-style label, a colon, another headline
    _rule(
        "teaser",
        220,
        r"^(?:[>»›]+\s*)?(?:read (?:more|also|next)|see also|also read|related|more on this|recommended|"
        r"watch|listen|lesen sie (?:auch|mehr|hier)|lies auch|auch interessant|mehr zum thema|mehr dazu|"
        r"zum weiterlesen|weiterlesen|siehe auch|das k[öo]nnte sie (?:auch )?interessieren|"
        r"lea (?:tambi[ée]n|m[áa]s)|lea|vea (?:tambi[ée]n|m[áa]s)|mira|le puede interesar|te puede interesar|"
        r"tambi[ée]n te puede interesar|leer m[áa]s|leia (?:tamb[ée]m|mais)|veja tamb[ée]m|"
        r"[àa] lire (?:aussi|[ée]galement)|lire aussi|voir aussi|czytaj (?:te[żz]|tak[żz]e|wi[eę]cej)|"
        r"zobacz (?:te[żz]|tak[żz]e)|dowiedz si[eę] wi[eę]cej|leggi anche)\s*[:：|]",
    ),
    # headings that open a list of other stories
    _rule(
        "related-heading",
        80,
        r"^(?:related(?: (?:articles?|stories|posts|content|news|topics|coverage))?|more (?:stories|news|"
        r"articles|from [\w .]+|on this (?:topic|story))|you (?:may|might) also like|"
        r"most (?:read|popular|viewed)|don['’]t miss|"
        r"trending(?: now)?|top stories|recommended(?: for you)?|further reading|"
        r"(?:weitere|mehr|[äa]hnliche|verwandte) (?:themen|artikel|beitr[äa]ge|nachrichten|news|meldungen)"
        r"(?: [\w ]+)?|mehr themen|top-themen(?: [\w ]+)?|meistgelesen|"
        r"meist-?(?:gelesen|diskutiert|kommentiert)|"
        r"kommentierte artikel|lesen sie auch(?: die folgenden beitr[äa]ge)?|"
        r"das k[öo]nnte sie auch interessieren|"
        r"notas relacionadas|noticias relacionadas|contenido relacionado|art[íi]culos relacionados|"
        r"m[áa]s (?:noticias|le[íi]das|sobre [\w .]+)|lo m[áa]s (?:le[íi]do|visto)|"
        r"temas|tags|schlagw[öo]rter|"
        r"articles? (?:li[ée]s|similaires)|sur le m[êe]me sujet|[àa] lire aussi|podobne artyku[łl]y|"
        r"zobacz (?:te[żz]|tak[żz]e)|czytaj (?:te[żz]|tak[żz]e))\s*[:：]?$",
    ),
    # newsletter, subscription, app and social prompts
    _rule(
        "call-to-action",
        160,
        rf"\b(?:{_CTA_VERBS})\b[^.!?]{{0,80}}?\b(?:newsletter|edition|updates|channel|kanal|canal|"
        r"app|apps|twitter|facebook|instagram|telegram|whatsapp|youtube|linkedin|tiktok|podcast|"
        r"our|us|unseren?|uns|nuestro|nuestra|notre|nos)\b",
    ),
    _rule(
        "call-to-action",
        260,
        # subscription words alone are news too ("the newsletter scandal"): ask for an address to the reader
        r"^(?=.*\b(?:you|your|our|unser\w*|ihr\w*|dein\w*|du|sie|tu|nuestr\w*|vous|votre|notre|free|gratis|"
        r"kostenlos|now|jetzt|here|hier|today)\b).*(?:newsletter|e-?paper|\babo(?:nnement|nnieren)\b|"
        r"subscription|suscripci[óo]n|subscribers?\b)|"
        r"\b(?:sign up|subscribe|register|anmelden|abonnieren|reg[ií]strate) (?:here|now|today|hier|jetzt)\b|"
        r"\bsign up\W*$|\b(?:channel|canal|kanal)\b.{0,20}\b(?:telegram|whatsapp|youtube)\b|"
        r"\b(?:telegram|whatsapp|youtube)(?:-| )(?:channel|canal|kanal)\b|"
        r"(?:in the comments|in den kommentaren|en los comentarios|let us know)\b.{0,60}[:?]|"
        r"to (?:view|read|continue reading) the full (?:story|article)|for the full story|"
        r"hazte (?:miembro|socio)|\bdonate\b|\bspenden?\b|unterst[üu]tze[n]? (?:uns|[\w]+ (?:mit|bereits))|"
        r"jetzt (?:abonnieren|anmelden|registrieren|kaufen|bestellen|testen)|"
        r"kostenlos (?:testen|registrieren)|"
        r"(?:click|tap) here|hier klicken|klicken sie hier|haga clic|cliquez ici|"
        r"we want to hear what you think|letters? to the editor|leserbrief|"
        r"(?:sign|log) in to|nicht eingeloggt|eingeloggt sein,? um|create an? (?:free )?account|"
        r"(?:send|email) us (?:a (?:message|tip)|your)",
    ),
    # share bars and comment counters
    _rule(
        "share-or-comments",
        80,
        r"^(?:share|teilen|compartir|partager|udost[eę]pnij|tweet|drucken|print|e-?mail)"
        r"(?: (?:this|on|mit|via|"
        r"article|artikel|story|este|cet))*\s*[:：]?$",
        r"^(?:share|teilen|compartir) (?:on|auf|en) ",
        r"^(?:\d+ |no |keine )?(?:comments?|kommentare?|comentarios?)(?: \(\d+\))?$",
        r"^(?:view|show|leave|add|post|write) (?:a |the |all )?comments?$",
        r"^(?:kommentar (?:schreiben|verfassen)|keine kommentare|jetzt kommentieren|comentar)\b",
        r"^(?:facebook|twitter|x|whatsapp|linkedin|pinterest|e-?mail|reddit|telegram|xing|flipboard)"
        r"(?:[\s,|/·•]+(?:facebook|twitter|x|whatsapp|linkedin|pinterest|e-?mail|reddit|telegram|xing|"
        r"flipboard|messenger|copy link|link kopieren))+$",
    ),
    # ad labels, affiliate and sponsorship notes
    _rule(
        "advertising",
        260,
        r"^\W*(?:advertisement|advertising|anzeige|werbung|publicidad|publicit[ée]|reklama|sponsored"
        r"(?: content)?|paid (?:post|content)|promoted)\W*$",
        r"affiliate[- ]links?|provisions?-?links?|we may (?:receive|earn) (?:a )?(?:compensation"
        r"|commission)|advertisers do not influence|enth[äa]lt werbung|geld erhalten wir",
    ),
    # consent and technical notices
    _rule(
        "site-notice",
        300,
        r"\bcookies?\b.{0,80}\b(?:use|verwende|nutze|utiliza|utilise|akzept|accept|einstellungen|settings|"
        r"consent|zustimm)|(?:use|verwenden|nutzen|utilizamos|utilisons) (?:of )?cookies",
        r"error (?:in )?(?:retrieving|loading) data|javascript (?:is )?(?:disabled|required)|"
        r"enable javascript|aktivieren sie javascript|your browser (?:does not|doesn't) support|"
        r"^(?:wird geladen|loading|cargando|chargement)\W*$|"
        r"sign in to access your portfolio|all rights reserved|alle rechte vorbehalten|"
        r"todos los derechos reservados|tous droits r[ée]serv[ée]s|copyrighted property of|"
        r"written permission must be obtained|^\W*(?:alle )?angaben ohne gew[äa]hr\W*$|"
        r"stehen inhalte dieser website unter|^(?:back to top|nach oben|zur[üu]ck(?: zu[rm]? [\w ]+)?|"
        r"previous|next|vorherige[rs]?|n[äa]chste[rs]?) ?(?:article|artikel|beitrag|post|seite|page)?\W*$",
    ),
    # photo and source credits standing on their own line
    _rule(
        "credit",
        140,
        r"^\W*(?:photo|foto|fotos|bild|bilder|image|images|picture|credits?|cr[ée]dits? photos?|"
        r"copyright|quelle|fuente|source|grafik|video|illustration|titelbild|beitragsbild|"
        r"image illustrative)\s*(?:[:：©]|by\b)",
        r"^\W*©|©\s*[\w .&/-]+$|^\(?(?:photo|foto|bild|credit|image):? [^.]{2,60}\)?$",
        r"\((?:photo|foto|bild|credit|image|fotos?|crédit)s?\s*:[^)]{2,80}\)\s*\.?$",
        r"^(?:getty images|reuters|afp|ap|dpa|epa|imago)(?:\s*[/|,]\s*[\w .]+)*$",
    ),
    # file download links, contact details and breadcrumb trails
    _rule(
        "page-furniture",
        160,
        r"\b(?:pdf|docx?|xlsx?|pptx?|zip|mp3)\s*[|,(]?\s*\d+(?:[.,]\d+)?\s*[kmg]i?b\b",
        r"^(?:tel(?:efon|[ée]fono|ephone)?|phone|fax|e-?mail|mobil|handy)\s*[.:]\s*[+\d(]",
        r"^[^|]{1,60}(?:\s\|\s[^|]{1,60}){2,}\|?$",
        r"^(?:vorschau auf den )?n[äa]chste[nr]? (?:artikel|beitrag)$|"
        r"^(?:previous|next) (?:article|post|story)$",
    ),
    # the newsroom asking readers for tips, printed under every story
    _rule(
        "newsroom-tip",
        220,
        r"\b(?:have|got) (?:a|any) (?:news )?(?:tips?|story|story idea|scoop)\s*\?",
        r"\b(?:contact|call|email|e-mail|write to|reach) (?:the|our) (?:newsroom|news ?desk|editors?)\b",
        r"^(?:please )?send (?:us )?(?:a |your )?(?:news |story )?tips?\b|"
        r"\bsend us (?:a |your )?(?:news |story )?tips?\b|"
        r"\bsend (?:your )?(?:news )?tips? (?:securely|confidentially|to us|via|through)\b",
        r"\b(?:news|story) tips?\b[^.]{0,60}\b(?:call|email|e-mail|contact|send|reach)\b",
    ),
    # taxonomy lines
    _rule(
        "taxonomy",
        160,
        r"^(?:tags?|schlagw[öo]rter|stichw[öo]rter|themen|temas|categor(?:y|ies|[íi]as?)|kategorien?|"
        r"filed under|posted in|ver[öo]ffentlicht in|rubrik)\s*[:：]",
    ),
    # machine-readable payloads and template placeholders leaked as text
    _rule("code-leak", 100_000, r"^\s*[{\[]\s*\"@?\w+\"\s*:|\{\{[#/^]?\w[\w.]*\}\}.*\{\{|\"@context\"\s*:"),
)

# a dateline or "By … | Updated …" line above or below the story
_DATE = (
    r"(?<![\d+-])(?:\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}-\d{2}-\d{2}|\d{1,2}:\d{2}(?:\s*[ap]\.?m\.?)?(?:\s*uhr)?|"
    r"\d{1,2}\.?\s+[a-zäéû]{3,9}\.?\s+\d{4}|[a-z]{3,9}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4})"
)
_DATE_RE = re.compile(_DATE, re.IGNORECASE)
_DATELINE_WORDS = re.compile(
    r"\b(?:by|von|por|par|posted|published|updated|aktualisiert|ver[öo]ffentlicht|erstellt|stand|"
    r"last modified|letzte [äa]nderung|created|on|am|um|at|el|le|de|del|und|and|i|the|uhr|min(?:ute[ns]?)?|"
    r"read|lesezeit|reading time|mins?)\b",
    re.IGNORECASE,
)
DATELINE_MAX_CHARS = 90  # a line this short that is mostly a date is a dateline
DATELINE_MAX_OTHER_WORDS = 4  # words allowed besides the date, the separators and dateline vocabulary
HEADLINE_SCAN_BLOCKS = 3  # the repeated headline and byline are looked for among the first blocks
LINK_LIST_MAX_CHARS = 160  # after a related heading, blocks up to this long are taken as its list
LINK_DENSITY_TAIL = 0.8  # a trailing block whose text is this much link text is a teaser
LINK_LIST_MIN_ITEMS = 2  # ... when there are at least this many in a row (one link is often the source)

# a section label ("World", "Entertainment") printed above the headline and caught with the body
SECTION_LABEL_MAX_CHARS = 30
SECTION_NAMES = frozenset(
    " ".join(line.casefold().split())
    for line in (Path(__file__).parent / "sections.txt").read_text("utf-8").splitlines()
    if line.strip() and not line.startswith("#")
)

_LEAF_BLOCKS = frozenset(
    {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "figcaption", "dt", "dd", "pre", "caption",
     "div", "td", "th"}
)  # fmt: skip
_CONTAINER_BLOCKS = tuple(_LEAF_BLOCKS | {"ul", "ol", "table", "figure"})


def clean(doc: Extracted) -> Extracted:
    """Remove repeated headline, datelines and boilerplate blocks from an extracted document."""
    root = parse_fragment(doc.html)
    if root is None:
        return replace(doc, text=_clean_text(doc.text, doc.title), html="")
    blocks = _leaf_blocks(root)
    doomed = _junk_blocks(blocks, doc)
    # captions stay in the HTML as <figcaption>, but out of the running text: summaries, answers and
    # copy detection read the text, and a caption there reads as a first sentence without a verb
    text = element_to_text(root, captions=False)
    if not doomed:
        return replace(doc, text=text)
    for elem in doomed:
        _remove(elem)
    _prune_empty(root)
    html = "".join(etree.tostring(child, method="html", encoding="unicode") for child in root)
    if root.text and root.text.strip():
        html = root.text + html
    return replace(doc, html=html.strip(), text=element_to_text(root, captions=False))


def _leaf_blocks(root: etree._Element) -> list[tuple[etree._Element, str]]:
    """Blocks holding text directly (no nested blocks), in document order, with their text."""
    containers = set()
    for elem in root.iter(*_CONTAINER_BLOCKS):
        containers.update(elem.iterancestors())
    found = []
    for elem in root.iter(*_LEAF_BLOCKS):
        if elem in containers:
            continue
        text = _norm_space(" ".join(elem.itertext()))
        if text:
            found.append((elem, text))
    return found


def _junk_blocks(blocks: list[tuple[etree._Element, str]], doc: Extracted) -> list[etree._Element]:
    doomed: list[etree._Element] = []
    if blocks and is_section_label(blocks[0][1]):
        doomed.append(blocks[0][0])
    # repeated headline and byline/dateline at the top
    for elem, text in blocks[:HEADLINE_SCAN_BLOCKS]:
        if elem in doomed:
            continue
        dateline = elem.tag != "li" and is_dateline(text)
        if _is_headline(text, doc.title) or _is_byline(text, doc.author) or dateline:
            doomed.append(elem)
    total = len(blocks)
    in_related_list = False
    for index, (elem, text) in enumerate(blocks):
        if elem in doomed:
            continue
        if in_related_list:
            if len(text) <= LINK_LIST_MAX_CHARS or _link_density(elem, text) >= LINK_DENSITY_TAIL:
                doomed.append(elem)
                continue
            in_related_list = False
        rule = junk_rule(text, code=elem.tag in ("pre", "code"))
        if rule is not None:
            doomed.append(elem)
            # a related-stories heading in the second half of the text opens a list of teasers
            in_related_list = rule.name == "related-heading" and index >= total // 2
        elif (elem.tag != "li" and is_dateline(text, max_other_words=0)) or _is_byline(text, doc.author):
            doomed.append(elem)
    # a run of link-only blocks closing the text is a list of other stories
    run = []
    for elem, text in reversed(blocks):
        if elem in doomed:
            continue
        if len(text) <= LINK_LIST_MAX_CHARS and _link_density(elem, text) >= LINK_DENSITY_TAIL:
            run.append(elem)
        else:
            break
    if len(run) >= LINK_LIST_MIN_ITEMS:
        doomed.extend(run)
    if len(doomed) == len(blocks):
        # a page made only of "junk" is more likely a short notice than furniture: keep it
        return [elem for elem, text in blocks[:HEADLINE_SCAN_BLOCKS] if _is_headline(text, doc.title)]
    return doomed


def junk_rule(text: str, code: bool = False) -> Rule | None:
    """The first boilerplate rule matching a block's text, if any (code blocks are only code)."""
    text = text.lower()  # patterns are lower-case: much faster than re.IGNORECASE on long alternations
    for rule in JUNK_RULES:
        if code and rule.name == "code-leak":
            continue
        if len(text) <= rule.max_chars and rule.pattern.search(text):
            return rule
    return None


def is_dateline(text: str, max_other_words: int = DATELINE_MAX_OTHER_WORDS) -> bool:
    """A short line that is mostly a date or time ("Updated 3:41 PM", "By X | 2 May 2021")."""
    if len(text) > DATELINE_MAX_CHARS or not _DATE_RE.search(text):
        return False
    rest = _DATELINE_WORDS.sub(" ", _DATE_RE.sub(" ", text))
    words = [w for w in re.split(r"[\s|·•,;:/()\[\]–—-]+", rest) if w and not w.isdigit()]
    return len(words) <= max_other_words


def is_section_label(text: str) -> bool:
    """A short line that is only the name of a newspaper section ("World", "Entertainment")."""
    return len(text) <= SECTION_LABEL_MAX_CHARS and _fold(text) in SECTION_NAMES


_BYLINE = re.compile(r"^(?:by|von|por|par|autor(?:in)?|author|text)\s*:?\s+\S", re.IGNORECASE)


def _is_byline(text: str, author: str | None) -> bool:
    if len(text) > 80:
        return False
    if author and _fold(text) in {_fold(author), _fold(f"by {author}"), _fold(f"von {author}")}:
        return True
    return bool(_BYLINE.match(text)) and len(text.split()) <= 8 and not text.endswith((".", "?", "!"))


def _is_headline(text: str, title: str | None) -> bool:
    if not title:
        return False
    block, head = _fold(text), _fold(title)
    if not block or not head:
        return False
    if block == head:
        return True
    # titles often carry the site name ("Headline | Site"), blocks sometimes a kicker
    shorter, longer = sorted((block, head), key=len)
    return len(shorter) >= 20 and len(shorter) >= 0.6 * len(longer) and longer.startswith(shorter)


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


def _norm_space(text: str) -> str:
    return " ".join(text.split())


def _link_density(elem: etree._Element, text: str) -> float:
    linked = sum(len(_norm_space(" ".join(a.itertext()))) for a in elem.iter("a"))
    return linked / len(text) if text else 0.0


def _remove(elem: etree._Element) -> None:
    parent = elem.getparent()
    if parent is None:
        return
    tail = (elem.tail or "").strip()
    if tail:
        prev = elem.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + " " + tail
        else:
            parent.text = (parent.text or "") + " " + tail
    parent.remove(elem)


def _prune_empty(root: etree._Element) -> None:
    """Drop containers left without text or images after their blocks went."""
    for elem in list(root.iter("ul", "ol", "figure", "table", "blockquote", "div", "dl")):
        if elem.getparent() is not None and not "".join(elem.itertext()).strip() and not elem.xpath(".//img"):
            _remove(elem)


def _clean_text(text: str, title: str | None) -> str:
    """Fallback for a document without HTML: apply the same rules paragraph by paragraph."""
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    if paragraphs and is_section_label(_norm_space(paragraphs[0])):
        paragraphs = paragraphs[1:]
    if paragraphs and _is_headline(_norm_space(paragraphs[0]), title):
        paragraphs = paragraphs[1:]
    return "\n\n".join(p for p in paragraphs if junk_rule(_norm_space(p)) is None)


def lead_image_drop(html: str, image_url: str | None, base_url: str | None = None) -> str:
    """Remove the body's copy of the lead image (pages show it once, above the text), with its figure."""
    if not image_url or "<img" not in html:
        return html
    root = parse_fragment(html)
    if root is None:
        return html
    target = _image_key(image_url, base_url)
    for img in root.iter("img"):
        if _image_key(img.get("src") or "", base_url) != target:
            continue
        figure = next((a for a in img.iterancestors("figure")), None)
        _remove(figure if figure is not None else img)
        _prune_empty(root)
        out = "".join(etree.tostring(child, method="html", encoding="unicode") for child in root)
        return ((root.text or "") + out).strip()
    return html


def _image_key(url: str, base_url: str | None) -> str:
    """An image address without scheme, query or fragment: resized or tracked copies still match."""
    absolute = urljoin(base_url or "", url.strip())
    return absolute.split("#")[0].split("?")[0].split("://", 1)[-1]
