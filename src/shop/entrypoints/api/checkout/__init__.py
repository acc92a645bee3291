"""/api/v1/checkout: a cart becomes an order."""
