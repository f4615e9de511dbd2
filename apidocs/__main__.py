"""``python -m apidocs`` is the ``apidocs`` command."""

import sys

from apidocs.entry.cli import main

sys.exit(main())
