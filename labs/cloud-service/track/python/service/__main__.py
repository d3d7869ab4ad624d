"""`python -m service`: configuration from the environment, then serve.

You do not need to change this file: it wires together the modules you write
(config, health, notes, observability, lifecycle). Exit codes: 0 after a clean
shutdown, 2 when the configuration is invalid.
"""

import sys

from .server import main

if __name__ == "__main__":
    sys.exit(main())
