"""The JSON API: a thin layer over the workflow and the analysis layers (issue 7, in progress)."""
