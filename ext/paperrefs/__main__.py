"""``python -m paperrefs``: the same command line as the ``paperrefs`` script."""

import sys

from paperrefs.cli import main

sys.exit(main())
