"""/api/v1/admin/outbox: the email outbox, for administrators."""
