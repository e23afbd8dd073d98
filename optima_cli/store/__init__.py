"""Storage: the only place that talks SQL (through SQLModel/SQLAlchemy)."""
