"""SQL adapters of checkout, orders and notifications."""
