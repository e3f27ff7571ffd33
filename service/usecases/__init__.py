"""Commands and queries: each opens one unit of work, acts, and commits once."""
