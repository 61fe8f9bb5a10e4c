"""HTML made safe: message HTML to show, and the HTML of the desk's own mail templates; the one
adapter over the sanitiser (nh3).

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


# A mail template's HTML (domain/mail_templates.py) goes to customers under the desk's name:
# formatting, links and a few inline styles, nothing that runs or loads. No images: a template
# has no attachments for a `cid:` to name, and a remote image is a tracking pixel that most
# mail clients block anyway. Links must be absolute (a relative one has no base in a mail).
_TEMPLATE_TAGS = (_TAGS - {"img"}) | {"center", "font", "small", "big", "tfoot", "caption"}
_TEMPLATE_ATTRIBUTES = {"a": {"href", "title"}, "td": {"colspan", "rowspan", "align"},
                        "th": {"colspan", "rowspan", "align"}, "p": {"align"},
                        "div": {"align"}, "table": {"width", "cellpadding", "cellspacing"},
                        "font": {"color"}, "*": {"style"}}
_TEMPLATE_SCHEMES = {"http", "https", "mailto", "tel"}
_TEMPLATE_STYLES = {"color", "background-color", "font-family", "font-size", "font-style",
                    "font-weight", "line-height", "text-align", "text-decoration",
                    "vertical-align", "margin", "margin-top", "margin-bottom", "margin-left",
                    "margin-right", "padding", "padding-top", "padding-bottom",
                    "padding-left", "padding-right", "border", "border-top", "border-bottom",
                    "border-collapse", "width", "max-width"}


def sanitise_template_html(html: str) -> str:
    """A mail template's HTML with only formatting left: no scripts, event handlers, forms,
    images, `javascript:` or relative links, and of inline styles only the properties above
    (no `url()` can load anything)."""
    return nh3.clean(html, tags=_TEMPLATE_TAGS, attributes=_TEMPLATE_ATTRIBUTES,
                     url_schemes=_TEMPLATE_SCHEMES, url_relative="deny",
                     filter_style_properties=_TEMPLATE_STYLES,
                     link_rel="noopener noreferrer").strip()
