"""``python -m katakit.runner``: the same as ``kata-run``."""

from katakit.runner.client import main

raise SystemExit(main())
