"""Optional SQLite persistence of the parts of the world that change.

Seeded data is regenerated from the seed on every start, so only mutations
are stored: tokens, tool switches, credits, deleted report ids, accepted
messages and the stats rows they produced.  The caller (World) serialises
access with its own lock, so one connection shared across threads is safe.
"""

import json
import sqlite3

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tokens (token TEXT PRIMARY KEY, expires REAL);
CREATE TABLE IF NOT EXISTS deleted_reports (cid INTEGER PRIMARY KEY);
CREATE TABLE IF NOT EXISTS messages (seq INTEGER PRIMARY KEY AUTOINCREMENT, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sent_stats (id INTEGER PRIMARY KEY, data TEXT NOT NULL);
"""


class Store:
    def __init__(self, path):
        self.path = path
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.executescript(_SCHEMA)

    def close(self):
        self._db.close()

    def clear(self):
        self._db.executescript(
            "DELETE FROM meta; DELETE FROM tokens; DELETE FROM deleted_reports;"
            " DELETE FROM messages; DELETE FROM sent_stats;"
        )

    # -- meta (small JSON values) ------------------------------------------
    def get_meta(self, key, default=None):
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return default if row is None else json.loads(row[0])

    def set_meta(self, key, value):
        self._db.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, json.dumps(value))
        )

    # -- tokens ------------------------------------------------------------
    def load_tokens(self):
        return dict(self._db.execute("SELECT token, expires FROM tokens"))

    def put_token(self, token, expires):
        self._db.execute(
            "INSERT OR REPLACE INTO tokens (token, expires) VALUES (?, ?)", (token, expires)
        )

    def delete_token(self, token):
        self._db.execute("DELETE FROM tokens WHERE token = ?", (token,))

    # -- reports -----------------------------------------------------------
    def load_deleted_reports(self):
        return {row[0] for row in self._db.execute("SELECT cid FROM deleted_reports")}

    def add_deleted_reports(self, cids):
        self._db.executemany(
            "INSERT OR IGNORE INTO deleted_reports (cid) VALUES (?)", [(c,) for c in cids]
        )

    # -- messages and their stats rows -------------------------------------
    def load_messages(self):
        rows = self._db.execute("SELECT data FROM messages ORDER BY seq")
        return [json.loads(r[0]) for r in rows]

    def load_sent_stats(self):
        rows = self._db.execute("SELECT data FROM sent_stats ORDER BY id")
        return [json.loads(r[0]) for r in rows]

    def add_message(self, message, stats_rows):
        # One transaction so a crash never leaves a message without its rows.
        with self._db:
            self._db.execute("BEGIN")
            self._db.execute("INSERT INTO messages (data) VALUES (?)", (json.dumps(message),))
            self._db.executemany(
                "INSERT INTO sent_stats (id, data) VALUES (?, ?)",
                [(row["id"], json.dumps(row)) for row in stats_rows],
            )

    def clear_messages(self):
        self._db.execute("DELETE FROM messages")
