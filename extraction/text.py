"""From raw article text to sentences and word tokens.

Cleaning drops teaser lines for other stories and boilerplate, and rejoins sentences that a
hard line break cut in two ("...in Iraq and\\n\\nSyria by ..."), while a headline without a
final full stop stays a sentence of its own. Rules come from config/patterns/text.yaml.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from extraction.names import fold
from extraction.patterns import lower, word_starts

_TOKEN = re.compile(r"[^\W_]+(?:['’](?!s\b)[^\W_]+)*|\S")
_SEPARATORS = frozenset("-‐‑.'’")
_DASHES = frozenset("-‐‑")
_TERMINAL = re.compile(r"[.!?:;\"”’)\]…]$")
_BOUNDARY = re.compile(r"[.!?]+[\"”’)\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])")
_LAST_WORD = re.compile(r"(\S+)$")
_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "«": '"', "»": '"'})


@dataclass(frozen=True)
class TextRules:
    """Cleaning and sentence-splitting rules loaded from config/patterns/text.yaml."""

    boilerplate: re.Pattern[str]
    inline_teaser: re.Pattern[str]
    label_max_words: int
    continuation_words: frozenset[str]
    abbreviations: frozenset[str]

    @classmethod
    def from_config(cls, data: dict[str, Any]) -> TextRules:
        joined = "|".join(f"(?:{p})" for p in data["boilerplate_lines"])
        return cls(
            boilerplate=re.compile(joined, re.IGNORECASE),
            inline_teaser=re.compile("|".join(f"(?:{p})" for p in data["inline_teasers"]),
                                     re.IGNORECASE),
            label_max_words=int(data.get("label_max_words", 6)),
            continuation_words=frozenset(data["continuation_words"]),
            abbreviations=frozenset(data["abbreviations"]),
        )


@dataclass(slots=True)
class Token:
    """A word of a sentence; `part` is its folded key text."""

    start: int
    end: int
    text: str
    part: str | None


@dataclass
class Sentence:
    """One sentence of the cleaned article with its word tokens."""

    text: str
    index: int
    words: list[Token] = field(default_factory=list)
    linked: list[bool] = field(default_factory=list)  # words[i] and words[i+1] form one name
    norm: str = ""  # text with typographic quotes made plain, same length
    low: str = ""  # `norm` lower-cased, same length
    starts: frozenset[str] = frozenset()  # word beginnings of `low`, for rule gates

    @classmethod
    def make(cls, text: str, index: int) -> Sentence:
        norm = text.translate(_QUOTES)
        low = lower(norm)
        sent = cls(text, index, norm=norm, low=low, starts=word_starts(low))
        words, linked = sent.words, sent.linked
        add_word, add_link, part_of = words.append, linked.append, _part
        bridge = True
        prev = ""
        for m in _TOKEN.finditer(text):
            tok_text = m.group()
            part = part_of(tok_text)
            if tok_text == "s" and prev in ("'", "’"):
                part = None  # possessive 's
            prev = tok_text
            if part:
                if words:
                    add_link(bridge)
                start, end = m.span()
                add_word(Token(start, end, tok_text, part))
                bridge = True
            elif part is None or (tok_text in _DASHES and (
                    text[m.start() - 1:m.start()].isspace()
                    or text[m.end():m.end() + 1].isspace())):
                bridge = False  # "SOUTH SUDAN - Unity State": a spaced dash ends a name
        add_link(False)
        return sent

    def ngrams(self, first: dict[str, int], max_len: int = 8) -> Iterator[tuple[int, int, str]]:
        """(first word, last word, key) for word runs whose first part starts a known name."""
        words, linked = self.words, self.linked
        for i, w in enumerate(words):
            limit = first.get(w.part or "")
            if not limit:
                continue
            limit = min(limit, max_len)
            key = w.part or ""
            yield i, i, key
            j = i
            while j - i + 1 < limit and linked[j]:
                j += 1
                key = f"{key} {words[j].part}"
                yield i, j, key


@lru_cache(maxsize=65536)
def _part(tok_text: str) -> str | None:
    """A token's key: folded word text, "" for a separator inside a name, None otherwise."""
    if tok_text[0].isalnum():
        return fold(tok_text).replace("'", "").replace("’", "")
    return "" if tok_text in _SEPARATORS else None


def _is_label(line: str, rules: TextRules) -> bool:
    words = line.split()
    return (len(words) <= rules.label_max_words and line.upper() == line
            and not _TERMINAL.search(line) and not any(ch.isdigit() for ch in line))


def _continues(line: str, nxt: str, rules: TextRules) -> bool:
    """Whether a hard line break after `line` is inside a sentence."""
    if _TERMINAL.search(line) or line.endswith(","):
        return line.endswith(",")
    last = line.rsplit(None, 1)[-1].lower()
    return nxt[:1].islower() or last in rules.continuation_words


def paragraphs(text: str, rules: TextRules) -> list[str]:
    """Story paragraphs: boilerplate and teaser lines dropped, broken sentences rejoined."""
    lines = [rules.inline_teaser.sub(" ", ln).strip() for ln in text.splitlines()]
    kept = [ln for ln in lines if ln and not rules.boilerplate.match(ln)
            and not _is_label(ln, rules)]
    out: list[str] = []
    for line in kept:
        if out and _continues(out[-1], line, rules):
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    return out


# "N. Kivu", "D.I. Khan": initials, not a sentence's end (a number, "wounding 4. On ...", is).
_INITIALS = re.compile(r"[^\W\d_](?:\.[^\W\d_])*")


def sentence_starts(paragraph: str, rules: TextRules) -> list[int]:
    """Where sentences begin in a paragraph: not after abbreviations or initials."""
    out = [len(paragraph) - len(paragraph.lstrip())]
    start = 0
    for m in _BOUNDARY.finditer(paragraph):
        before = paragraph[start:m.start() + 1]
        last = _LAST_WORD.search(before)
        word = last.group(1).lstrip("\"“‘(").rstrip(".").lower() if last else ""
        if paragraph[m.start()] == "." and (word in rules.abbreviations
                                            or _INITIALS.fullmatch(word)):
            continue
        start = m.end()
        if start < len(paragraph):
            out.append(start)
    return out

