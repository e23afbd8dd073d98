"""Pure domain rules: codes, access criteria, transitions, dates and deadlines.

Nothing here knows of Typer, Rich, SQL or files: given facts and a date, a rule returns findings,
the next status, a due date or a warning.
"""
