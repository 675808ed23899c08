"""Reusable form widgets; each value widget offers ``value()``, ``set_value()`` and an ``edited`` signal."""
