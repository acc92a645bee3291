"""Implementations of the service ports: SQLAlchemy, Redis, RQ, SMTP and in-process twins."""
