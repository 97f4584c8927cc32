"""What the notebooks call, the run pipeline and the ``customer-review`` command line."""
