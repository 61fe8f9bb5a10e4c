"""The console: server-rendered pages (Jinja2 + HTMX) over the same services as the API."""

from starlette.convertors import register_url_convertor

from hubdesk.web.numbers import IdConvertor

# Registered before any page's route is declared: the routes' paths name it.
register_url_convertor("id", IdConvertor())
