"""SQL adapters."""
