"""Checkout: a cart becomes an order in one transaction, at most once per Idempotency-Key."""
