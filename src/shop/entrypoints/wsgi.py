"""`gunicorn 'shop.entrypoints.wsgi:app'`: the app built from the environment."""

from shop.entrypoints.web.app import create_app
from shop.entrypoints.web.logging import configure_logging

configure_logging()
app = create_app()
