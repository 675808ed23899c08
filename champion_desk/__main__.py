"""Run Champion Desk with ``python -m champion_desk``."""

from champion_desk.cli import main

raise SystemExit(main())
