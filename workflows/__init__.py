"""The engine binding: SpiffWorkflow behind plain values; no Flask, no SQLAlchemy, no I/O."""
