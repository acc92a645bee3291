"""Use cases. They talk to the outside world only through the ports in `shop.services.common`."""
