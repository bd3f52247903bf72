"""The API's routes, one module per part of the workflow or analysis they front."""
