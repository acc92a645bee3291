"""Shop: an e-commerce REST API."""
