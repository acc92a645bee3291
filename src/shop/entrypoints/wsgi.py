"""`gunicorn 'shop.entrypoints.wsgi:app'`: the app built from the environment.

Everything built at start (modules, the app, its schemas and metadata: about 160,000
objects) lives as long as the process, so it is frozen out of the garbage collector's
passes: otherwise every full pass walks all of it again, which cost the requests that
allocate most (a signed-in read, a cart GET) a fifth to a third of their CPU.
"""

import gc

from shop.entrypoints.web.app import create_app
from shop.entrypoints.web.logging import configure_logging

configure_logging()
app = create_app()
gc.collect()
gc.freeze()
