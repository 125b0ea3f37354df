"""``python -m tandem.instruments``: see :mod:`tandem.instruments.cli`."""

import os
import sys

from tandem.instruments.cli import main

status = main()
# Leave without the interpreter's final clean-up: in a few runs in a hundred, Arrow's C++
# threads (used to read answer files) are torn down during that clean-up in an order that
# aborts the process (SIGABRT, "terminate called without an active exception") after all
# the work is done, which would turn exit status 0 or 1 into 134. Everything the command
# wrote is closed by now; the standard streams are flushed here.
sys.stdout.flush()
sys.stderr.flush()
os._exit(status)
