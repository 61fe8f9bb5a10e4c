"""The console: server-rendered pages (Jinja2 + HTMX) over the same services as the API."""
