"""Mailers: SMTP (SMTP_URL), or the log when no mail server is configured."""
