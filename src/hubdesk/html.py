"""Message HTML made safe to show: the one adapter over the sanitiser (nh3).

Only a conservative set of formatting tags and attributes survives; scripts, event handlers,
styles, forms and `javascript:` links are removed, and links get `rel="noopener noreferrer"`.
The domain cannot import this (it imports no third-party code), so the API applies it to every
HTML field as the request is read, and no raw HTML is ever stored.
"""

from __future__ import annotations

import nh3

_TAGS = {"a", "abbr", "b", "blockquote", "br", "code", "div", "em", "h1", "h2", "h3", "h4",
         "hr", "i", "img", "li", "ol", "p", "pre", "s", "span", "strong", "sub", "sup",
         "table", "tbody", "td", "th", "thead", "tr", "u", "ul"}
_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title", "width", "height"},
               "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}
_URL_SCHEMES = {"http", "https", "mailto", "cid"}


def sanitise_html(html: str) -> str:
    return nh3.clean(html, tags=_TAGS, attributes=_ATTRIBUTES, url_schemes=_URL_SCHEMES,
                     link_rel="noopener noreferrer")
