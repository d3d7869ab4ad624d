"""Command line: `python -m shop build-db shop.db` and `python -m shop migrate shop.db`."""

import sys
from pathlib import Path

from shop import db

USAGE = """usage:
  python -m shop build-db PATH [--force] [--version N]
      a fresh shop: schema, seed, later migrations (up to version N);
      records the version in PRAGMA user_version, as the migrator would
  python -m shop migrate PATH
      apply pending migrations (exercise 7)"""


def main(argv):
    if len(argv) >= 2 and argv[0] == "build-db":
        return build_db(Path(argv[1]), argv[2:])
    if len(argv) == 2 and argv[0] == "migrate":
        from shop import migrate

        return migrate.main(argv[1])
    print(USAGE, file=sys.stderr)
    return 2


def build_db(path, options):
    force = "--force" in options
    rest = [o for o in options if o != "--force"]
    version = None
    if rest[:1] == ["--version"] and len(rest) == 2 and rest[1].isdigit():
        version = int(rest[1])
    elif rest:
        print(USAGE, file=sys.stderr)
        return 2
    if path.exists():
        if not force:
            print(f"error: {path} exists; add --force to replace it", file=sys.stderr)
            return 2
        path.unlink()
    conn = db.build(str(path), up_to=version)
    applied = [v for v, _ in db.migration_files() if version is None or v <= version]
    # PRAGMA takes no bound parameters; the value is an int we computed.
    conn.execute("PRAGMA user_version = " + str(int(max(applied, default=0))))
    conn.close()
    print(f"built {path} at schema version {max(applied, default=0)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
