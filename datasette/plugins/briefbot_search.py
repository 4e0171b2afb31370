"""Datasette plugin: the fact store's own search as the SQL function `briefbot_search(q)`.

SQLite's FTS alone cannot search this store as the bot does: Korean words of one or two
syllables need the character index, every word must match somewhere in the same entity,
and names count more than facts (`store.search`). So the canned query `search` asks the
store itself, through this function, and reads its answer as JSON rows. The function
only reads, on the connection Datasette opened (read-only for a file it serves).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable

import sqlite_utils
from datasette import hookimpl

from store.errors import InvalidInput
from store.search import search_entities


def store_search(conn: sqlite3.Connection) -> Callable[[str | None], str]:
    """`briefbot_search` over `conn`: a JSON array of `{rank, entity_id, score, matches}`,
    or of one `{rank: 0, message}` explaining, in Korean and English, a query it refuses."""
    db = sqlite_utils.Database(conn, recursive_triggers=False)

    def briefbot_search(query: str | None) -> str:
        rows: list[dict[str, object]] = []
        if query is not None and str(query).strip():
            try:
                hits = search_entities(db, str(query)).hits
            except InvalidInput as refusal:
                rows.append({"rank": 0, "message": f"{refusal.ko} / {refusal.en}"})
            else:
                rows += [
                    {
                        "rank": rank,
                        "entity_id": hit.entity.id,
                        "score": hit.score,
                        "matches": " · ".join(snippet.text for snippet in hit.snippets),
                    }
                    for rank, hit in enumerate(hits, start=1)
                ]
        return json.dumps(rows, ensure_ascii=False)

    return briefbot_search


@hookimpl
def prepare_connection(conn: sqlite3.Connection) -> None:
    """Register `briefbot_search` on every connection Datasette opens."""
    conn.create_function("briefbot_search", 1, store_search(conn))
