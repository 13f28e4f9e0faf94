"""``python -m symbiosis`` runs the command line."""

from symbiosis.cli import main

raise SystemExit(main())
