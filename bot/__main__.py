"""`python -m bot …` is the same as `summitbot …`."""

import sys

from bot.cli import main

sys.exit(main())
