"""Exercise 7: a migration runner (exercises/07-migrations.md)."""

import sqlite3
import sys

from shop import db


class MigrationError(Exception):
    """A migration file failed; nothing of it was applied."""


def current_version(conn):
    return conn.execute("PRAGMA user_version").fetchone()[0]


def migrate(conn, directory=db.MIGRATIONS):
    """Applies every migration newer than PRAGMA user_version, in order.

    Each file and its new user_version are applied in one transaction.
    Returns the versions applied (an empty list when up to date).
    Raises MigrationError naming the file when one fails.
    """
    applied = []
    for version, path in db.migration_files(directory):
        if version <= current_version(conn):
            continue
        sql = path.read_text(encoding="utf-8")
        # executescript commits any open transaction first, so BEGIN and
        # COMMIT are part of the script. PRAGMA user_version takes no bound
        # parameters; `version` is an int parsed from the file name.
        script = sql + "\n;PRAGMA user_version = " + str(int(version)) + ";"
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.executescript(script)
            conn.execute("COMMIT")
        except sqlite3.Error as e:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise MigrationError(f"{path.name}: {e}") from e
        applied.append(version)
    return applied


def main(path):
    """`python -m shop migrate PATH`: exit 0 when the database is up to date."""
    conn = db.connect(path)
    try:
        applied = migrate(conn)
    except MigrationError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    finally:
        conn.close()
    if applied:
        print(f"{path}: applied {', '.join(f'{v:04d}' for v in applied)}")
    else:
        print(f"{path}: up to date")
    return 0
