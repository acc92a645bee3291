"""`python -m shop.entrypoints.cli ...` runs the `shop` command."""

import sys

from shop.entrypoints.cli.main import main

sys.exit(main())
