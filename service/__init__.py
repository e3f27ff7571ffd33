"""petitionflow's service: storage, use cases, the Flask app and the command line."""
