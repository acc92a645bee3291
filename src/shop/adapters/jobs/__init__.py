"""Job queues: RQ on Redis, or a thread of this process on the embedded default."""

JOB_QUEUES = ("emails", "default")
