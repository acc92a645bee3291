"""/api/v1/orders: list, read, cancel, and (admins) move orders."""
