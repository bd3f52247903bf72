"""Reports read from the registry (ATT annual report, ...): read only, no permission checks.

Reports sit beside the analysis layers, above registry/ and below workflow/: whoever
calls them (the CLI, the API) authorizes the user first with ``Action.REPORT``.
"""
