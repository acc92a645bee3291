"""Job queues: RQ on Redis, or a thread of this process on the embedded default."""
