"""Job queue adapters (RQ)."""

JOB_QUEUES = ("emails", "default")
