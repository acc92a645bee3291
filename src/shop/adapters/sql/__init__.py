"""SQL adapters: checkout, orders, notifications, and the outbox backlog."""
