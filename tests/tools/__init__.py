"""Tools for developers that the test run does not collect (no test_ files)."""
