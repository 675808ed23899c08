"""Champion Desk: an offline logbook and briefing generator for unit champions."""

__version__ = "0.1.0"
APP_NAME = "Champion Desk"
