"""Pure-Python entities, value objects and business rules. Imports only the standard library."""
