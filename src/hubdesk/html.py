"""HTML made safe: message HTML to show, and the HTML of the desk's own mail templates; the one
adapter over the sanitiser (nh3).

Only a conservative set of formatting tags and attributes survives; scripts, event handlers,
styles, forms and `javascript:` links are removed, and links get `rel="noopener noreferrer"`.
The domain cannot import this (it imports no third-party code), so the API applies it to every
HTML field as the request is read, and no raw HTML is ever stored.
"""

from __future__ import annotations

import re

import nh3

_TAGS = {"a", "abbr", "b", "blockquote", "br", "code", "div", "em", "h1", "h2", "h3", "h4",
         "hr", "i", "img", "li", "ol", "p", "pre", "s", "span", "strong", "sub", "sup",
         "table", "tbody", "td", "th", "thead", "tr", "u", "ul"}
_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title", "width", "height"},
               "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}
_URL_SCHEMES = {"http", "https", "mailto", "cid"}


def sanitise_html(html: str) -> str:
    return nh3.clean(nested_at_most(html), tags=_TAGS, attributes=_ATTRIBUTES,
                     url_schemes=_URL_SCHEMES, link_rel="noopener noreferrer")


# What a text reader needs of a document: its blocks, quotes, list items and images' words.
_TEXT_TAGS = {"blockquote", "br", "div", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "img", "li",
              "ol", "p", "pre", "table", "td", "th", "tr", "ul"}


def structure_for_text(html: str) -> str:
    """``html`` reduced to what its words are read from (`channels/email/htmltext.py`):
    well-formed, without comments, scripts, styles or its head. Python's own HTML parser
    takes time growing with the square of a document's length on what is left unterminated
    (20,000 unclosed "<a " took it half a minute), and never meets that here."""
    return nh3.clean(nested_at_most(html), tags=_TEXT_TAGS, attributes={"img": {"alt"}},
                     clean_content_tags={"script", "style", "title", "head"},
                     url_schemes=set())


# A document nested deeper than this is no e-mail: the sanitiser's time grows with the
# square of the depth (100,000 nested <div> took it 17 seconds). Elements that close
# themselves or are closed by the next of their kind are not counted.
MAX_NESTING = 256
_TAG_START = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]*)")
_NOT_NESTING = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
                          "meta", "source", "track", "wbr", "p", "li", "dt", "dd", "tr", "td",
                          "th", "option", "thead", "tbody", "tfoot", "colgroup", "rb", "rt",
                          "rp"})


def nested_at_most(html: str, limit: int = MAX_NESTING) -> str:
    """``html`` without the opening tags nested deeper than ``limit`` (their words stay),
    counted in one pass over the tags' names; unchanged when there are none. A tag that is
    never closed with ">" is left for the sanitiser, which reads it as text."""
    depth, pieces, last = 0, [], 0
    end_of_tag = -1  # the next ">" found so far; past the end when there is none
    for tag in _TAG_START.finditer(html):
        if tag.start() < last or tag.group(2).lower() in _NOT_NESTING:
            continue  # inside a tag left out, or a tag that does not nest
        if tag.group(1):
            depth = max(0, depth - 1)
        elif depth < limit:
            depth += 1
        else:
            if end_of_tag < tag.end():  # each character is searched once for ">"
                found = html.find(">", tag.end())
                end_of_tag = found if found >= 0 else len(html) + 1
            if end_of_tag <= len(html):
                pieces.append(html[last:tag.start()])
                last = end_of_tag + 1
    return "".join([*pieces, html[last:]]) if pieces else html


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
    return nh3.clean(nested_at_most(html), tags=_TEMPLATE_TAGS, attributes=_TEMPLATE_ATTRIBUTES,
                     url_schemes=_TEMPLATE_SCHEMES, url_relative="deny",
                     filter_style_properties=_TEMPLATE_STYLES,
                     link_rel="noopener noreferrer").strip()
