"""One dialog per record type; see ``registry.py`` for how pages find them."""
