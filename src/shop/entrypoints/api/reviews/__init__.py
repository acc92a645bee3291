"""/api/v1/products/{id}/reviews and /api/v1/reviews/{id}."""
