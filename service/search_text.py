"""Folding text for search: lower case, no diacritics (Vietnamese đ as d), words split on punctuation.

One function for both databases: a petition's searchable text is folded in Python when it is
written (`petitions.search_head`, `petitions.search_body`) and a query is folded the same way, so
"ca phe" finds "Cà phê" on SQLite and PostgreSQL alike, and "0912.345.678" finds "0912 345 678".
Words are matched whole, or as the beginning of a word for longer ones (`pattern`). Pure
functions, no I/O; the migration that adds the columns uses them to fill existing rows.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

_NOT_WORD = re.compile(r"[^0-9a-z]+")
_DIGITS = re.compile(r"\D+")


def fold(text: str | None) -> str:
    """`text` in lower case without diacritics, words separated by one space."""
    if not text:
        return ""
    lowered = text.lower().replace("đ", "d")
    plain = "".join(c for c in unicodedata.normalize("NFD", lowered) if not unicodedata.combining(c))
    return _NOT_WORD.sub(" ", plain).strip()


def words(query: str | None) -> list[str]:
    """The folded words of a search query, at most ten."""
    return fold(query).split()[:10]


PREFIX_FROM = 4
"""A query word this long also finds longer words it begins ("duong" finds "duongs", "0912" a whole
number); a shorter one only the same word, so "ca phe" finds "cà phê" but not "cấp phép"."""


def pattern(word: str) -> str:
    """The LIKE pattern of a folded query word over a column written by `head` or `body`."""
    return f"% {word}%" if len(word) >= PREFIX_FROM else f"% {word} %"


def fts_term(word: str) -> str:
    """The same rule as `pattern`, as an SQLite FTS5 query term."""
    return f'"{word}"*' if len(word) >= PREFIX_FROM else f'"{word}"'


def head(code: str, title: str, petitioner_name: str, petitioner_contact: str) -> str:
    """What a petition is found by first: its number, title, the petitioner's name and contact (phone
    numbers also as bare digits, so any spacing of them matches)."""
    digits = _DIGITS.sub("", petitioner_contact or "")
    parts = (fold(code), fold(title), fold(petitioner_name), fold(petitioner_contact),
             digits if len(digits) >= 6 else "")
    return f" {' '.join(p for p in parts if p)} "


def body(content: str) -> str:
    """The folded content of a petition (with a space at either end, so every word is between spaces)."""
    return f" {fold(content)} "


def body_key(body: str) -> str:
    """A short digest of a folded content (`body`'s result): petitions with the same content have the same
    key, which an index finds at once where the content itself is too long to index."""
    return hashlib.sha256(body.encode()).hexdigest()[:32]
