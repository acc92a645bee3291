"""Orders: what a checkout turns a cart into, and the statuses an order moves through."""
