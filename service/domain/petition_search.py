"""Finding petitions by words, ranked in tiers that each stop early: the number itself, then petitions
whose number, title, petitioner's name or contact hold every word, then those whose content does;
newest first within a tier.

Each tier is one query walking the petitions newest first (`ix_petitions_agency_submitted`) and
stopping when the page is full, testing each row against the words: on SQLite through the FTS5
index of migration 0010 (the unary `+` keeps SQLite from driving the query by the matches, which
with a common word are most of the table), on PostgreSQL through LIKE patterns its trigram indexes
answer when the words are rare. Ranking everything that matches in one ORDER BY had to read and sort
every match: 2.8 s at 100,000 petitions for a query of common words.

PostgreSQL cannot tell common words from rare ones before it runs (it guessed 226 matches for
"sở hữu trí tuệ", which has 12,500 of 100,000, and read and sorted them all: 38 ms). So a tier there
first walks only the newest `RECENT_WALK` petitions (a subquery with that LIMIT, which the planner
answers from the index newest first): common words fill the page within a few hundred rows (3 ms).
Only when that walk does not fill the page are the words rare enough for the trigram indexes to find
them all.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, and_, func, literal_column, not_, or_, select, text
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.util import ClauseAdapter

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


RECENT_WALK = 1000
"""On PostgreSQL, how many of the newest petitions a tier walks before it asks the trigram indexes."""


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
    walk = s.get_bind().dialect.name == "postgresql"
    for index, condition in enumerate(tiers(s, words, words_text)):
        need = wanted - len(found)
        rows = _walk_recent(s, query, condition, need) if walk and index > 0 else None
        if rows is None:
            rows = list(s.execute(query.where(condition).order_by(Petition.submitted_at.desc()).limit(need)).scalars())
        found += rows
        if len(found) >= wanted:
            break
    return found[offset:wanted]


def _walk_recent(s: Session, query: Select[Any], condition: Any, need: int) -> list[Petition] | None:
    """The newest `need` petitions of `query` meeting `condition`, when its newest `RECENT_WALK` hold that
    many: walked newest first through the (agency, submitted) index, stopping at a full page. None when
    they do not fill the page: the words are rare, and the tier's own query (the trigram indexes) finds
    them, older ones included."""
    recent = query.order_by(Petition.submitted_at.desc()).limit(RECENT_WALK).subquery()
    row = aliased(Petition, recent)
    walk = (select(row).where(ClauseAdapter(recent).traverse(condition))
            .order_by(recent.c.submitted_at.desc()).limit(need))
    rows = list(s.execute(walk).scalars())
    return rows if len(rows) >= need else None
