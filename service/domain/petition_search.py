"""Finding petitions by words, ranked in tiers that each stop early: the number itself, then petitions
whose number, title, petitioner's name or contact hold every word, then those whose content does;
newest first within a tier.

Each tier is one query walking the petitions newest first (`ix_petitions_agency_submitted`) and
stopping when the page is full, testing each row against the words: on SQLite through the FTS5
index of migration 0010 (the unary `+` keeps SQLite from driving the query by the matches, which
with a common word are most of the table), on PostgreSQL through LIKE patterns its trigram indexes
answer when the words are rare. Ranking everything that matches in one ORDER BY had to read and sort
every match: 2.8 s at 100,000 petitions for a query of common words.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, and_, func, literal_column, not_, or_, select, text
from sqlalchemy.orm import Session

from .. import search_text
from ..store.petition_tables import Petition

_FTS: dict[str, bool] = {}


def sqlite_fts(s: Session) -> bool:
    """Whether this SQLite database has the FTS5 index of the petitions (migration 0010)."""
    bind = s.get_bind()
    if bind.dialect.name != "sqlite":
        return False
    key = str(bind.engine.url)
    if key not in _FTS:
        _FTS[key] = s.execute(text("SELECT 1 FROM sqlite_master WHERE name = 'petitions_fts'")).first() is not None
    return _FTS[key]


WALK_FROM = 2000
"""With more matches than this, a tier walks the petitions newest first and stops at a full page;
with fewer, it reads the matches themselves and sorts them."""


def _fts_rows(s: Session, match: str, name: str) -> Any:
    matches = text(f"petitions_fts MATCH :{name}").bindparams(**{name: match})
    first: Select[Any] = (select(literal_column("rowid")).select_from(text("petitions_fts")).where(matches)
                          .limit(WALK_FROM + 1))
    many = s.execute(select(func.count()).select_from(first.subquery())).scalar_one()  # stops early
    rowid: Any = literal_column("+petitions.rowid" if many > WALK_FROM else "petitions.rowid")
    return rowid.in_(select(literal_column("rowid")).select_from(text("petitions_fts")).where(matches))


def tiers(s: Session, words: list[str], code: str) -> list[Any]:
    """The condition of each tier, best first."""
    exact = Petition.code == code.strip().upper()  # numbers are written in capitals: the unique index answers
    if sqlite_fts(s):
        terms = " ".join(search_text.fts_term(w) for w in words)
        head = _fts_rows(s, f"search_head : ({terms})", "fts_head")
        anywhere = _fts_rows(s, terms, "fts_any")
    else:
        patterns = [search_text.pattern(w) for w in words]  # folded words hold only [0-9a-z]
        head = and_(*(Petition.search_head.like(p) for p in patterns))
        anywhere = and_(*(or_(Petition.search_head.like(p), Petition.search_body.like(p)) for p in patterns))
    return [exact, and_(head, not_(exact)), and_(anywhere, not_(head), not_(exact))]


def search(s: Session, query: Select[Any], words_text: str, limit: int, offset: int) -> list[Petition]:
    """The page `offset`..`offset + limit` of the petitions of `query` (already scoped) matching the words."""
    words = search_text.words(words_text)
    if not words:
        return list(s.execute(query.order_by(Petition.submitted_at.desc()).limit(limit).offset(offset)).scalars())
    found: list[Petition] = []
    wanted = offset + limit
    for condition in tiers(s, words, words_text):
        rows = s.execute(query.where(condition).order_by(Petition.submitted_at.desc())
                         .limit(wanted - len(found))).scalars()
        found += list(rows)
        if len(found) >= wanted:
            break
    return found[offset:wanted]
