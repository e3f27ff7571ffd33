"""Alembic migrations of petitionflow's schema."""
