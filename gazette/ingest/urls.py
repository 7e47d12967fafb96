"""URL canonicalisation: one spelling per resource, so stories from different feeds dedupe by URL.

This is hand-written rather than delegated to ``courlan.normalize_url`` because courlan's cleaning is
tuned for crawling, not identity: its tracker pattern drops any parameter containing ``id``, ``source``,
``session`` or ``uid`` (which are article identifiers on many sites), ``parse_qs`` loses blank values,
re-encoding changes ``+``/``%20`` and ``%2F`` semantics, hosts come back as Unicode instead of IDNA, and
``scrub_url`` may swap a URL for another one embedded in its query. Here every change is one that cannot
point the URL at a different resource, except the tracking parameters named in ``TRACKING_PARAMS``.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

import idna
from tld import get_fld

# Query parameters that only say how a reader arrived, never what they read. Matched case-insensitively;
# a trailing "*" matches any parameter with that prefix.
TRACKING_PARAMS: tuple[str, ...] = (
    # Google Analytics, Urchin, Matomo, Piwik and friends
    "utm_*",
    "mtm_*",
    "pk_campaign",
    "pk_kwd",
    "pk_source",
    "pk_medium",
    "pk_content",
    "itm_*",
    "_ga",
    "_gl",
    # ad-click identifiers
    "fbclid",
    "gclid",
    "gclsrc",
    "dclid",
    "gbraid",
    "wbraid",
    "msclkid",
    "yclid",
    "twclid",
    "ttclid",
    "li_fat_id",
    # mail and marketing platforms
    "mc_cid",
    "mc_eid",
    "_hsenc",
    "_hsmi",
    "__hstc",
    "__hssc",
    "__hsfp",
    "hsctatracking",
    "mkt_tok",
    "vero_id",
    "vero_conv",
    "oly_anon_id",
    "oly_enc_id",
    "s_cid",
    "s_kwcid",
    "wt.mc_id",
    "wt.mc_ev",
    "xtor",
    "at_medium",
    "at_campaign",
    # social sharing and publishers' own campaign tags
    "igshid",
    "igsh",
    "ref",
    "ref_src",
    "ref_url",
    "cmpid",
    "cmp",
    "ocid",
    "icid",
    "ncid",
    "smid",
    "smtyp",
    "sr_share",
    "soc_src",
    "soc_trk",
    "guccounter",
    "guce_referrer",
    "guce_referrer_sig",
    "__twitter_impression",
    "spm",
)

_TRACKING_EXACT = frozenset(p for p in TRACKING_PARAMS if not p.endswith("*"))
_TRACKING_PREFIXES = tuple(p[:-1] for p in TRACKING_PARAMS if p.endswith("*"))
_DEFAULT_PORTS = {"http": 80, "https": 443}
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
# Characters left as they are in a path or query; everything else outside ASCII printing is escaped.
_PATH_SAFE = frozenset("/:@!$&'()*+,;=") | _UNRESERVED
_QUERY_SAFE = _PATH_SAFE | frozenset("?")
_PERCENT = re.compile(r"%([0-9A-Fa-f]{2})")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_HOST_CHARS = re.compile(r"^[a-z0-9._:-]+$")  # DNS names (with "_"), IPv4, IPv6 without brackets
_BARE_HOST = re.compile(r"^[\w-]+(\.[\w-]+)+(:\d+)?(/|$)")


def _is_tracking(name: str) -> bool:
    key = unquote(name).lower()
    return key in _TRACKING_EXACT or key.startswith(_TRACKING_PREFIXES)


def _normalise_escapes(part: str, safe: frozenset[str]) -> str:
    """Uppercase percent-escapes, decode escaped unreserved characters, escape what must be escaped."""
    out: list[str] = []
    i = 0
    while i < len(part):
        ch = part[i]
        if ch == "%" and _PERCENT.match(part, i):
            byte = int(part[i + 1 : i + 3], 16)
            decoded = chr(byte)
            out.append(decoded if decoded in _UNRESERVED else f"%{byte:02X}")
            i += 3
            continue
        if ch in safe:
            out.append(ch)
        else:
            out.extend(f"%{b:02X}" for b in ch.encode("utf-8"))
        i += 1
    return "".join(out)


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 section 5.2.4, segment by segment; unlike posixpath.normpath it keeps "//"."""
    if "." not in path:
        return path
    segments = path.split("/")
    out: list[str] = []
    for i, segment in enumerate(segments):
        last = i == len(segments) - 1
        if segment == ".":
            if last:
                out.append("")
        elif segment == "..":
            if len(out) > 1:
                out.pop()
            if last:
                out.append("")
        else:
            out.append(segment)
    result = "/".join(out)
    return result if result.startswith("/") else "/" + result


def _host(hostname: str) -> str:
    host = hostname.rstrip(".").lower()
    if not host.isascii():
        try:
            host = idna.encode(host, uts46=True).decode("ascii")
        except idna.IDNAError:
            # IDNA 2008 refuses some names browsers still resolve (emoji, symbols): fall back to IDNA 2003.
            try:
                host = host.encode("idna").decode("ascii")
            except UnicodeError as exc:
                raise ValueError(f"invalid host name {hostname!r}") from exc
    if host and not _HOST_CHARS.match(host):
        raise ValueError(f"invalid host name {hostname!r}")
    return host


def canonicalize_url(url: str, base: str | None = None) -> str:
    """Return the canonical absolute spelling of url (resolved against base); ValueError if impossible."""
    url = url.strip()
    if not url:
        raise ValueError("empty URL")
    if base:
        url = urljoin(base.strip(), url)
    elif url.startswith("//"):
        url = "https:" + url
    elif not _SCHEME.match(url) or _BARE_HOST.match(url):
        # "example.com/news" typed by a person; "example.com:8080/x" also parses as scheme "example.com".
        url = "https://" + url

    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise ValueError(f"not an http(s) URL: {url[:200]!r}")
    if not parts.hostname:
        raise ValueError(f"URL has no host: {url[:200]!r}")

    host = _host(unquote(parts.hostname))
    if ":" in host:
        host = f"[{host}]"  # IPv6 literal
    try:
        port = parts.port
    except ValueError as exc:
        raise ValueError(f"invalid port in {url[:200]!r}") from exc
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    if parts.username is not None:
        userinfo = parts.netloc.rpartition("@")[0]
        netloc = f"{userinfo}@{netloc}"

    path = _normalise_escapes(_remove_dot_segments(parts.path or "/"), _PATH_SAFE)

    pairs = [p for p in parts.query.split("&") if p and not _is_tracking(p.partition("=")[0])]
    # Stable sort by name keeps the order of repeated names (a=1&a=2), which some sites depend on.
    pairs.sort(key=lambda p: unquote(p.partition("=")[0]))
    query = "&".join(_normalise_escapes(p, _QUERY_SAFE) for p in pairs)

    # "#!" fragments were how single-page sites addressed content; any other fragment is a position.
    fragment = _normalise_escapes(parts.fragment, _QUERY_SAFE) if parts.fragment.startswith("!") else ""
    return urlunsplit((scheme, netloc, path, query, fragment))


def url_host(url: str) -> str:
    """Return url's host name: lowercase, IDNA-encoded, without port; "" when it has none."""
    try:
        hostname = urlsplit(url.strip()).hostname
        return _host(unquote(hostname)) if hostname else ""
    except ValueError:
        return ""


def url_site(url: str) -> str:
    """Who answers for url: its registrable domain (bbc.co.uk for news.bbc.co.uk, alice.github.io for
    alice.github.io), from the Public Suffix List as the `tld` package ships it; "" when it has no host.

    A host no suffix rule covers (an IP address, localhost, a single-label or .local name) has no domain
    that vouches for its ports, which may be unrelated services: there the site is the host and port.
    """
    parts = urlsplit(url.strip())
    host = url_host(url)
    if not host:
        return ""
    domain = get_fld(host, fix_protocol=True, fail_silently=True)
    if domain:
        return str(domain)
    try:
        port = parts.port
    except ValueError:
        return ""
    if port in (None, _DEFAULT_PORTS.get(parts.scheme.lower())):
        return host
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def same_site(a: str, b: str) -> bool:
    """True when both URLs are on one site (url_site), so one may speak for the other."""
    site = url_site(a)
    return bool(site) and site == url_site(b)
