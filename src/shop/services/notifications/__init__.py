"""Notifications: emails recorded in a transactional outbox and delivered by a job."""
