"""One BLAS thread for the engine, unless the caller has chosen otherwise.

Scoring multiplies tall, narrow matrices: BLAS threads only contend with one another and with
the file reader (measured: a third of the CPU time of scoring a million rows from a file).
Imported first by the package, so it acts when NumPy is not imported yet; otherwise it does
nothing.
"""

from __future__ import annotations

import os

for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")
