"""Full-text search over names, case references, identifiers and note text.

User text becomes a safe FTS5 query: each word is quoted (so no FTS syntax can be typed
by accident) and matched as a prefix, all words required. Matches on the client's own
details rank first; then notes, newest first, which FTS5 can walk without scoring every
match, so common words stay fast on a large caseload. In notes a word shorter than
`NOTE_PREFIX_MIN` matches only itself ("GP", "a"): as a prefix, the "a" of "rent a" on
its way to "rent arrears" stands for thousands of words and costs a tenth of a second.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from uuid import UUID

from keyworker.dates import uk_date
from keyworker.models import SearchHit
from storage.driver import Connection

_WORD = re.compile(r"\w+", re.UNICODE)

# Index the rows of a table added after sequence number `?`; see migration 1.
INDEX_NEW = {
    "clients": (
        "INSERT INTO client_search (rowid, case_ref, names, identifiers)"
        " SELECT seq, case_ref, legal_name || ' ' || preferred_name,"
        " concat_ws(' ', prison_number, crn, pnc, replace(pnc, '/', ' '), substr(pnc, 3))"
        " FROM clients WHERE seq > ?"
    ),
    "case_notes": (
        "INSERT INTO note_search (rowid, text) SELECT seq, text FROM case_notes WHERE seq > ?"
    ),
}
NOTE_HITS_SCANNED = 400
NOTE_PREFIX_MIN = 3


def fts_query(text: str, prefix_min: int = 1) -> str | None:
    """All the words, each a prefix unless shorter than `prefix_min` characters."""
    words = _WORD.findall(text)
    if not words:
        return None
    return " ".join(f'"{word}"*' if len(word) >= prefix_min else f'"{word}"' for word in words)


def _field_matched(words: list[str], row: tuple[str, ...]) -> tuple[str, str]:
    case_ref, legal, preferred, prison, crn, pnc = row
    fields = [
        ("case reference", case_ref),
        ("name", f"{preferred} ({legal})" if preferred and preferred != legal else legal),
        ("prison number", prison),
        ("CRN", crn),
        ("PNC number", pnc),
    ]
    for label, value in fields:
        tokens = [t.lower() for t in _WORD.findall(value or "")]
        if all(any(t.startswith(w) for t in tokens) for w in words):
            return label, value
    return "details", ""


def search(conn: Connection, text: str, limit: int = 50) -> list[SearchHit]:
    query = fts_query(text)
    if query is None:
        return []
    words = [w.lower() for w in _WORD.findall(text)]
    hits: dict[str, SearchHit] = {}
    for row in conn.execute(
        "SELECT c.id, c.case_ref, c.preferred_name, c.legal_name, c.status,"
        " c.prison_number, c.crn, c.pnc"
        " FROM client_search JOIN clients c ON c.seq = client_search.rowid"
        " WHERE client_search MATCH ? ORDER BY rank LIMIT ?",
        (query, limit),
    ):
        cid, ref, preferred, legal, status, prison, crn, pnc = row
        matched, snippet = _field_matched(words, (ref, legal, preferred, prison, crn, pnc))
        hits[cid] = SearchHit(
            client_id=UUID(cid),
            case_ref=ref,
            display_name=preferred or legal,
            status=status,
            matched=matched,
            snippet=snippet,
        )
    if len(hits) < limit:
        _add_note_hits(conn, fts_query(text, NOTE_PREFIX_MIN) or query, words, hits, limit)
    return list(hits.values())


def _add_note_hits(
    conn: Connection, query: str, words: list[str], hits: dict[str, SearchHit], limit: int
) -> None:
    """The newest matching note of each client not already found, up to `limit` clients."""
    chosen: dict[str, int] = {}
    for note_seq, client_id in conn.execute(
        "SELECT note_search.rowid, n.client_id FROM note_search"
        " JOIN case_notes n ON n.seq = note_search.rowid"
        " WHERE note_search MATCH ? ORDER BY note_search.rowid DESC LIMIT ?",
        (query, NOTE_HITS_SCANNED),
    ):
        if client_id not in hits and client_id not in chosen:
            chosen[client_id] = note_seq
            if len(hits) + len(chosen) >= limit:
                break
    if not chosen:
        return
    # Snippets are cut here rather than by FTS5's snippet(), which re-runs a prefix
    # query for every row: 2 to 3 ms a note on a large caseload, against microseconds.
    marks = ", ".join("?" * len(chosen))
    rows = conn.execute(
        "SELECT n.client_id, n.at, n.text, c.case_ref, c.preferred_name, c.legal_name, c.status"
        " FROM case_notes n JOIN clients c ON c.id = n.client_id"
        f" WHERE n.seq IN ({marks}) ORDER BY n.seq DESC",
        tuple(chosen.values()),
    )
    for cid, at, text, ref, preferred, legal, status in rows:
        hits[cid] = SearchHit(
            client_id=UUID(cid),
            case_ref=ref,
            display_name=preferred or legal,
            status=status,
            matched=f"note of {uk_date(datetime.fromisoformat(at).date())}",
            snippet=snippet(text, words, prefix_min=NOTE_PREFIX_MIN),
        )


def _fold(word: str) -> str:
    """Lower case without accents, as the search index compares words."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _matches(token: str, words: list[str], prefix_min: int) -> bool:
    return any(token.startswith(w) if len(w) >= prefix_min else token == w for w in words)


def snippet(text: str, words: list[str], width: int = 12, *, prefix_min: int = 1) -> str:
    """About `width` words of `text` around the first match, matches in [brackets].

    A word shorter than `prefix_min` marks only itself, as the note search matches it.
    """
    tokens = list(_WORD.finditer(text))
    folded = [_fold(w) for w in words]
    hits = [i for i, t in enumerate(tokens) if _matches(_fold(t[0]), folded, prefix_min)]
    if not tokens:
        return ""
    first = hits[0] if hits else 0
    start = max(0, min(first - width // 3, len(tokens) - width))
    end = min(len(tokens), start + width)
    pieces, cursor = [], tokens[start].start()
    for i in range(start, end):
        token = tokens[i]
        pieces.append(text[cursor : token.start()])
        pieces.append(f"[{token[0]}]" if i in hits else token[0])
        cursor = token.end()
    body = " ".join("".join(pieces).split())
    return ("…" if start > 0 else "") + body + ("…" if end < len(tokens) else "")
