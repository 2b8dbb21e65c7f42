"""The yearly pipeline: ingest, compute once, run the notebooks with Papermill, publish."""
