"""Persistence: SQLAlchemy 2 models, sessions and Alembic migrations. Imports nothing of Jarchy's."""
