"""Command line: ``python -m survey <command> ...`` (see ``--help``)."""

from survey.commands import main

raise SystemExit(main())
