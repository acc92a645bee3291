"""In-process twins of the Redis adapters, for the embedded default (one process)."""
