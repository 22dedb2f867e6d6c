"""``python -m assistant`` is the same as the ``assistant`` command."""

from assistant.surfaces.cli import main

raise SystemExit(main())
