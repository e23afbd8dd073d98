"""The commands' transactions: load, ask the rules, write, append the audit event, commit.

Each function takes a `Context` and plain values, returns plain data (dicts), and raises
`OptimaError` for anything refused. Nothing here knows of Typer or Rich.
"""
