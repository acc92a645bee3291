"""Order use cases: list, read, cancel, and change an order's status."""
