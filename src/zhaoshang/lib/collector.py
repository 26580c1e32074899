"""The cyclic garbage collector paused while a large, cycle-free structure is built."""

from __future__ import annotations

import contextlib
import gc


@contextlib.contextmanager
def paused():
    """Run the block without the cyclic garbage collector, e.g. while 10^5 ledger rows and
    their figures are built: hundreds of thousands of objects without a reference cycle,
    which every collection their allocation triggers walks again (more than half of the
    time of `projects.estimates.compute`). Usable as a decorator. Switched back on at the
    end only where it was on (a block running in another thread meanwhile at worst runs
    with the collector on)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
