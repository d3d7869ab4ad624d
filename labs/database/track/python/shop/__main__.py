"""Command line: `python -m shop build-db shop.db` and `python -m shop migrate shop.db`."""

import sys
from pathlib import Path

from shop import db

USAGE = """usage:
  python -m shop build-db PATH [--force]   a fresh shop (schema, seed, later migrations)
  python -m shop migrate PATH              apply pending migrations (exercise 7)"""


def main(argv):
    if len(argv) >= 2 and argv[0] == "build-db":
        path = Path(argv[1])
        if path.exists():
            if "--force" not in argv[2:]:
                print(f"error: {path} exists; add --force to replace it", file=sys.stderr)
                return 2
            path.unlink()
        db.build(str(path)).close()
        print(f"built {path}")
        return 0
    if len(argv) == 2 and argv[0] == "migrate":
        from shop import migrate

        return migrate.main(argv[1])
    print(USAGE, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
