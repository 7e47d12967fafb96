"""TextGZipMiddleware: Django's GZipMiddleware for the site's own text answers (pages, JSON, feeds).

Static files never reach it: WhiteNoise, above it in MIDDLEWARE, answers them with the gzip and brotli
copies made once by collectstatic. Images and other binary bodies (the media proxy's) are left alone,
since gzip gains nothing on them and costs a web thread the time to try.

BREACH (compressed length leaking a secret that sits in a page beside text the attacker reflects into
it, as the search page reflects its query): the one secret our pages carry is the CSRF token, and
Django masks it with a new random pad for every response (csrf_fill and the {% csrf_token %} tag both
go through django.middleware.csrf.get_token), so no two compressed pages share a token to be guessed
byte by byte; that masking is Django's own BREACH mitigation. Django's GZipMiddleware also adds up to
100 random bytes to each gzip header, which blurs the lengths further. Sessions live in a cookie, never
in a body. So every text answer is compressed, the token-carrying pages included; leaving those out
would leave out most pages for nothing.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseBase
from django.middleware.gzip import GZipMiddleware

TEXT_TYPES = frozenset({"application/json", "application/xml", "application/javascript"})


def content_type_compressible(content_type: str) -> bool:
    """Whether a Content-Type names text worth compressing: text/*, JSON, XML (feeds) and JavaScript."""
    media = content_type.split(";", 1)[0].strip().lower()
    return media.startswith("text/") or media in TEXT_TYPES or media.endswith(("+json", "+xml"))


class TextGZipMiddleware(GZipMiddleware):
    """Compresses text answers only; everything else passes untouched, headers included."""

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if not content_type_compressible(response.get("Content-Type", "")):
            return response
        return super().process_response(request, response)
