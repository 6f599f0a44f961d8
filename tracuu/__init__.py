"""tracuu: the command line, settings and the bundled demo — the one place that imports all stages."""
