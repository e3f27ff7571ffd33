"""Files people hand in with a petition: what a file's bytes are (not its name), and a virus scan."""
