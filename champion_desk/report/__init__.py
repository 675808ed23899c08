"""The PDF briefing and the noticeboard poster, drawn with reportlab from plain domain data.

Nothing here imports Qt or the store: the report layer turns what ``domain.briefing_data``
collects into pages, so it runs headless from the CLI and from tests.
"""
