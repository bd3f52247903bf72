"""Server-rendered pages (Jinja2 + htmx, no build step) over the same workflow as the API."""
