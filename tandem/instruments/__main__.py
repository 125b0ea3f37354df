"""``python -m tandem.instruments``: see :mod:`tandem.instruments.cli`."""

from tandem.instruments.cli import main

raise SystemExit(main())
