"""The dashboard's chart widgets, one per file.

Every module here except ``palette`` and ``export`` imports pyqtgraph (~0.5 s), so only the
dashboard imports them, and only when it is first shown.
"""
