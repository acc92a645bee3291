"""`gunicorn 'shop.entrypoints.wsgi:app'`: the app built from the environment.

Everything built at start (modules, the app, its schemas and metadata: about 160,000
objects) lives as long as the process, so it is frozen out of the garbage collector's
passes: otherwise every full pass walks all of it again, which cost the requests that
allocate most (a signed-in read, a cart GET) a fifth to a third of their CPU.

glibc's malloc gives each thread that finds the shared arena busy one of its own, up to eight
per core, and the memory of each stays with the process: the worker's request threads are held
to two arenas, as `MALLOC_ARENA_MAX=2` would (an explicit `MALLOC_ARENA_MAX` is left as set).
"""

import ctypes
import gc
import os

from shop.entrypoints.web.app import create_app
from shop.entrypoints.web.logging import configure_logging

M_ARENA_MAX = -8  # glibc's malloc.h
MALLOC_ARENAS = 2


def limit_malloc_arenas(arenas: int = MALLOC_ARENAS) -> bool:
    """Hold glibc's malloc to `arenas` arenas; False where there is no glibc `mallopt` or
    the environment already says (glibc reads `MALLOC_ARENA_MAX` itself at start)."""
    if "MALLOC_ARENA_MAX" in os.environ:
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(M_ARENA_MAX, arenas))


limit_malloc_arenas()
configure_logging()
app = create_app()
gc.collect()
gc.freeze()
