"""Machine translation of an article's text by the configured LLM (there is no built-in method).

The text is sent a few paragraphs at a time so that each request and its reply fit a small model's context
window (llama.cpp servers often run with 2,048 tokens); the paragraphs come back joined by blank lines. The
reply is plain text: callers escape it and must never render it as HTML.
"""

from __future__ import annotations

import logging

from gazette.ai.llm import LLMBudgetSpent, LLMError, LLMGateway
from gazette.ai.sentences import paragraphs_split, sentences_split

log = logging.getLogger(__name__)

# Characters of source text per request: ~450 tokens of English, leaving room for the reply.
CHUNK_CHARS = 1500
# Reply budget: translations run longer than their source in many languages, and tokenise worse.
REPLY_TOKENS_PER_CHAR = 0.6
REPLY_TOKENS_MIN = 64
# Longest text translated at all; past it the rest is left out (the page says so).
TEXT_MAX_CHARS = 20000

# Offered on the article page, by code; names are in English and in the language itself.
LANGUAGES: dict[str, str] = {
    "ar": "Arabic (العربية)",
    "zh-hans": "Chinese (中文)",
    "nl": "Dutch (Nederlands)",
    "en": "English",
    "fr": "French (Français)",
    "de": "German (Deutsch)",
    "el": "Greek (Ελληνικά)",
    "hi": "Hindi (हिन्दी)",
    "id": "Indonesian (Bahasa Indonesia)",
    "it": "Italian (Italiano)",
    "ja": "Japanese (日本語)",
    "ko": "Korean (한국어)",
    "pl": "Polish (Polski)",
    "pt": "Portuguese (Português)",
    "ru": "Russian (Русский)",
    "es": "Spanish (Español)",
    "sv": "Swedish (Svenska)",
    "tr": "Turkish (Türkçe)",
    "uk": "Ukrainian (Українська)",
    "vi": "Vietnamese (Tiếng Việt)",
}


class TranslateError(RuntimeError):
    """Translation is unavailable or failed; the message is fit to show to a reader."""


def language_name(code: str) -> str:
    """The English name of a language code from LANGUAGES ("de" -> "German"); the code itself otherwise."""
    return LANGUAGES.get(code, code).split(" (", 1)[0]


def language_pick(code: str | None, *, default: str = "en") -> str:
    """The closest offered language for a code such as "de-at" or "zh-hans"; `default` when none is."""
    code = (code or "").lower().replace("_", "-")
    if code in LANGUAGES:
        return code
    if code.startswith("zh"):
        return "zh-hans"
    return code.split("-", 1)[0] if code.split("-", 1)[0] in LANGUAGES else default


def chunks_split(text: str, *, max_chars: int = CHUNK_CHARS) -> list[str]:
    """Paragraphs grouped into pieces of at most `max_chars`; a longer paragraph is cut between sentences."""
    pieces: list[str] = []
    for paragraph in paragraphs_split(text):
        if len(paragraph) <= max_chars:
            pieces.append(paragraph)
            continue
        current = ""
        for sentence in sentences_split(paragraph):
            while len(sentence) > max_chars:  # one enormous "sentence": cut between words
                cut = sentence.rfind(" ", 0, max_chars)
                cut = cut if cut > 0 else max_chars
                if current:
                    pieces.append(current)
                    current = ""
                pieces.append(sentence[:cut].strip())
                sentence = sentence[cut:].strip()
            if current and len(current) + 1 + len(sentence) > max_chars:
                pieces.append(current)
                current = ""
            current = f"{current} {sentence}".strip()
        if current:
            pieces.append(current)
    chunks: list[str] = []
    for piece in pieces:
        if chunks and len(chunks[-1]) + 2 + len(piece) <= max_chars:
            chunks[-1] += "\n\n" + piece
        else:
            chunks.append(piece)
    return chunks


def _system(language: str) -> str:
    return (
        f"You are a translator. Translate the user's text into {language}. Keep the paragraphs, names, "
        "numbers and quotations. Reply with the translation only: no notes, no explanations, no markup."
    )


def translate_text(*, text: str, target_language: str, llm: LLMGateway | None) -> str:
    """The text translated into `target_language` (a code from LANGUAGES or a language name).

    There is no built-in method, so the one fallback is a TranslateError with a message for readers:
    no LLM, today's calls used up (the gateway refuses before sending), or the model failing.
    """
    if llm is None:
        raise TranslateError("Translation needs a language model, and none is configured on this site.")
    language = language_name(target_language)
    translated: list[str] = []
    for chunk in chunks_split(text[:TEXT_MAX_CHARS]):
        max_tokens = max(REPLY_TOKENS_MIN, int(len(chunk) * REPLY_TOKENS_PER_CHAR))
        messages = [{"role": "system", "content": _system(language)}, {"role": "user", "content": chunk}]
        try:
            reply = llm.chat(messages, max_tokens=max_tokens)
        except LLMBudgetSpent as exc:
            log.warning("translate: stopped (%s)", exc)
            raise TranslateError(
                "This site has used up today's machine translations. Please try tomorrow."
            ) from exc
        except LLMError as exc:
            log.warning("translate: %s failed (%s)", llm.model, exc)
            raise TranslateError(
                "The translation service is not answering right now. Please try again later."
            ) from exc
        if reply:
            translated.append(reply)
    if not translated:
        raise TranslateError("The translation came back empty. Please try again later.")
    return "\n\n".join(translated)
