"""`python -m tui` runs the paperdeck command line."""

from tui.cli import main

raise SystemExit(main())
