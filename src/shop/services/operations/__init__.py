"""What operators watch: job queues and the outbox backlog (read for /metrics)."""
