"""Alembic migrations of optima's schema: one file per revision in versions/, applied by
`optima db upgrade` (store/schema.py). Write a new one with, from the project folder:

    alembic -c optima_cli/migrations/alembic.ini revision -m "what and why"

then fill in upgrade() and downgrade(), raise models.SCHEMA_VERSION by one, and name the file and
its revision with that number (0003, ...): the revisions are numbered, so that an older optima
can tell a newer database apart.
"""
