"""marshmallow schemas: the JSON shapes of the public contract (API.md)."""
