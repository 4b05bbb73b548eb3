"""Bake a credential into an SVG, and read it back (OB 3.0 §5.3 Baked Badge, SVG).

The credential is an ``<openbadges:credential>`` element, first child of the ``<svg>`` root, in
the namespace ``https://purl.imsglobal.org/ob/v3p0``: a compact JWS goes in its ``verify``
attribute, JSON in a CDATA section. Every SVG is first scanned with defusedxml's SAX parser, which
refuses XML entity declarations and external entities, and with our own rules, which refuse
anything that could run or fetch when the image is opened: ``<script>``, ``<foreignObject>``,
``on*`` handlers, references that are neither ``#fragment`` nor a raster ``data:image/`` URL, and
animations that rewrite ``href`` or a handler. Extraction uses only that streaming scan; baking
then edits a defusedxml minidom tree, which keeps prefixes, comments and CDATA as written.
"""

from __future__ import annotations

import re
import xml.sax
from dataclasses import dataclass, field
from xml.dom import XMLNS_NAMESPACE
from xml.parsers import expat
from xml.sax.handler import ContentHandler, feature_namespaces
from xml.sax.xmlreader import AttributesNSImpl

import defusedxml
import defusedxml.minidom
from defusedxml.expatreader import DefusedExpatParser

from badges.baking.credential import CredentialFormat, credential_format
from badges.baking.errors import (
    DuplicateCredential,
    ImageTooLarge,
    InvalidCredentialText,
    InvalidSvg,
    UnsafeSvg,
)
from badges.errors import N_

OB_NAMESPACE = "https://purl.imsglobal.org/ob/v3p0"
SVG_NAMESPACE = "http://www.w3.org/2000/svg"
PREFIX = "openbadges"
#: Largest SVG we read or write, in characters (or bytes); the DOM of our own images fits easily.
MAX_SVG_SIZE = 10 * 1024 * 1024
#: Caps on the tree, so that a small hostile file cannot cost much time or memory.
MAX_ELEMENTS = 100_000
MAX_DEPTH = 256

#: Elements that run code or embed another document (compared lower-case, any namespace).
_FORBIDDEN_ELEMENTS = frozenset(
    {"script", "foreignobject", "handler", "listener", "iframe", "embed", "object"}
)
#: SMIL elements; ``<set attributeName="href" to="javascript:…">`` is a classic bypass.
_ANIMATIONS = frozenset({"set", "animate", "animatemotion", "animatetransform", "animatecolor"})
_CSS_URL = re.compile(r"url\(\s*['\"]?\s*([^'\")\s]*)", re.IGNORECASE)
_CSS_IMPORT = re.compile(r"@import", re.IGNORECASE)
#: Characters XML 1.0 cannot carry (§2.2 Char), even in CDATA or attributes.
_NOT_XML_CHAR = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def bake_svg(svg: str, credential: str, *, max_size: int = MAX_SVG_SIZE) -> str:
    """Return ``svg`` carrying ``credential`` (JSON text or compact JWS); re-baking replaces it.

    XML normalises line ends, so a carriage return in JSON whitespace comes back as a line feed.
    """
    kind = credential_format(credential)
    if _NOT_XML_CHAR.search(credential):
        raise InvalidCredentialText(N_("The credential holds characters that XML cannot carry."))
    scan = _scan(svg, max_size=max_size)
    bound = scan.root_prefixes.get(PREFIX, OB_NAMESPACE)
    if bound != OB_NAMESPACE:
        raise InvalidSvg(
            N_("The SVG already binds the prefix openbadges to %(uri)s."), params={"uri": bound}
        )
    document = defusedxml.minidom.parseString(svg)
    root = document.documentElement
    if root is None:  # the scan above saw the <svg> root; this only narrows the type
        raise InvalidSvg(N_("The SVG has no root element."))
    for old in root.getElementsByTagNameNS(OB_NAMESPACE, "credential"):
        if old.parentNode is not None:
            old.parentNode.removeChild(old)
    root.setAttributeNS(XMLNS_NAMESPACE, f"xmlns:{PREFIX}", OB_NAMESPACE)
    element = document.createElementNS(OB_NAMESPACE, f"{PREFIX}:credential")
    if kind is CredentialFormat.JWS:
        element.setAttribute("verify", credential)
    else:
        # A CDATA section cannot hold "]]>": end it after "]]" and open a new one for ">".
        for part in credential.replace("]]>", "]]\0>").split("\0"):
            element.appendChild(document.createCDATASection(part))
    root.insertBefore(element, root.firstChild)
    baked = document.toxml()
    document.unlink()
    if len(baked) > max_size:
        raise ImageTooLarge(
            N_("The baked image would exceed %(max)s characters."), params={"max": max_size}
        )
    return baked


def extract_svg(svg: str | bytes, *, max_size: int = MAX_SVG_SIZE) -> str | None:
    """The credential baked into ``svg``, or ``None``; unsafe or malformed SVGs are refused."""
    credentials = _scan(svg, max_size=max_size).credentials
    if not credentials:
        return None
    if len(credentials) > 1:
        raise DuplicateCredential(
            N_("The SVG holds %(count)s openbadges:credential elements; only one is allowed."),
            params={"count": len(credentials)},
        )
    found = credentials[0]
    text = found.verify.strip() if found.verify is not None else "".join(found.text).strip()
    if not text:
        raise InvalidSvg(N_("The openbadges:credential element is empty."))
    return text


@dataclass(slots=True)
class _Credential:
    """An ``openbadges:credential`` element as met by the scanner."""

    verify: str | None
    depth: int
    text: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _Scan:
    """What the scanner learnt: the root's prefix bindings and every credential element."""

    root_prefixes: dict[str, str] = field(default_factory=dict)
    credentials: list[_Credential] = field(default_factory=list)


def _scan(svg: str | bytes, *, max_size: int) -> _Scan:
    """Parse ``svg`` once, streaming, applying every safety rule; return what extraction needs."""
    if len(svg) > max_size:
        raise ImageTooLarge(N_("The SVG is larger than %(max)s bytes."), params={"max": max_size})
    handler = _Scanner()
    parser = _Parser()
    parser.setFeature(feature_namespaces, True)
    parser.setContentHandler(handler)
    try:
        parser.feed(svg)
        parser.close()
    except defusedxml.DefusedXmlException as error:
        raise UnsafeSvg(
            N_("The SVG declares XML entities or external resources (%(reason)s)."),
            params={"reason": type(error).__name__},
        ) from error
    except (xml.sax.SAXException, ValueError, LookupError) as error:  # LookupError: encoding=
        raise InvalidSvg(
            N_("The SVG is not well-formed XML: %(reason)s."), params={"reason": str(error)}
        ) from error
    if handler.depth != 0 or handler.elements == 0:
        raise InvalidSvg(N_("The SVG is not a complete XML document."))
    return handler.scan


class _Parser(DefusedExpatParser):
    """defusedxml's SAX parser (no entity declarations, no external entities), minus one lookup.

    The stdlib reader asks for the external DTD subset of a non-standalone document, which
    defusedxml then refuses; editors write ``<!DOCTYPE svg PUBLIC ... svg11.dtd>`` into ordinary
    SVGs. Never parsing parameter entities skips that lookup (nothing is fetched either way).
    """

    def reset(self) -> None:
        """Reset as usual, then turn off parameter-entity (external DTD) parsing."""
        super().reset()
        expat_parser = getattr(self, "_parser")  # noqa: B009 - private in the stdlib stubs
        expat_parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)


class _Scanner(ContentHandler):
    """SAX handler that enforces the safety rules and records credential elements."""

    def __init__(self) -> None:
        super().__init__()
        self.scan = _Scan()
        self.depth = 0
        self.elements = 0
        self._capturing: _Credential | None = None
        self._style: list[str] | None = None

    def startPrefixMapping(self, prefix: str | None, uri: str) -> None:  # noqa: N802 - SAX API
        """Remember the root element's namespace bindings (they arrive before it)."""
        if self.depth == 0 and prefix is not None:
            self.scan.root_prefixes[prefix] = uri

    def startElementNS(  # noqa: N802 - SAX API
        self, name: tuple[str | None, str], qname: str | None, attrs: AttributesNSImpl
    ) -> None:
        """Check one element and its attributes; start capturing a credential's text."""
        self.elements += 1
        if self.elements > MAX_ELEMENTS or self.depth >= MAX_DEPTH:
            raise ImageTooLarge(
                N_("The SVG has more than %(elements)s elements or %(depth)s levels."),
                params={"elements": MAX_ELEMENTS, "depth": MAX_DEPTH},
            )
        if self.depth == 0 and name != (SVG_NAMESPACE, "svg"):
            raise InvalidSvg(N_("The root element is not <svg> in the SVG namespace."))
        _check_element(name[1], attrs)
        if name == (OB_NAMESPACE, "credential"):
            self._capturing = _Credential(attrs.get((None, "verify")), self.depth)
            self.scan.credentials.append(self._capturing)
        if name[1].lower() == "style":
            self._style = []
        self.depth += 1

    def endElementNS(self, name: tuple[str | None, str], qname: str | None) -> None:  # noqa: N802
        """Close capture of a credential or a stylesheet."""
        self.depth -= 1
        if self._capturing is not None and self._capturing.depth == self.depth:
            self._capturing = None
        if self._style is not None and name[1].lower() == "style":
            stylesheet = "".join(self._style)
            self._style = None
            if _CSS_IMPORT.search(stylesheet):
                raise UnsafeSvg(N_("The SVG's stylesheet imports another stylesheet."))
            _check_css_urls(stylesheet)

    def characters(self, content: str) -> None:
        """Collect text for the credential or stylesheet being read."""
        if self._capturing is not None:
            self._capturing.text.append(content)
        if self._style is not None:
            self._style.append(content)

    def processingInstruction(self, target: str, data: str) -> None:  # noqa: N802 - SAX API
        """Refuse ``<?xml-stylesheet?>``, which fetches a stylesheet."""
        if target.lower() == "xml-stylesheet":
            raise UnsafeSvg(N_("The SVG links an external stylesheet."))


def _check_element(local_name: str, attrs: AttributesNSImpl) -> None:
    """Refuse scripting elements, handlers, external references and href-rewriting animations."""
    element = local_name.lower()
    if element in _FORBIDDEN_ELEMENTS:
        raise UnsafeSvg(N_("The SVG contains a <%(name)s> element."), params={"name": local_name})
    for (_, attribute), value in attrs.items():
        if attribute.lower().startswith("on"):
            raise UnsafeSvg(
                N_("The SVG has an event-handler attribute %(name)s."), params={"name": attribute}
            )
        if attribute == "href" and not _is_local_reference(value):
            raise UnsafeSvg(
                N_("The SVG refers to an external resource: %(href)s."),
                params={"href": value[:100]},
            )
        _check_css_urls(value)
    if element in _ANIMATIONS:
        target = attrs.get((None, "attributeName"), "").strip().rpartition(":")[2].lower()
        if target == "href" or target.startswith("on"):
            raise UnsafeSvg(N_("The SVG animates the attribute %(name)s."), params={"name": target})


def _check_css_urls(text: str) -> None:
    """Refuse ``url(...)`` values (style, fill, filter...) that point outside the image."""
    for target in _CSS_URL.findall(text):
        if not _is_local_reference(target):
            raise UnsafeSvg(
                N_("The SVG refers to an external resource: %(href)s."),
                params={"href": target[:100]},
            )


def _is_local_reference(reference: str) -> bool:
    """``#fragment`` or an embedded raster image; SVG data URLs could nest script, so no."""
    target = reference.strip(" \t\n\r\f\v\0").lower()
    return target.startswith("#") or (
        target.startswith("data:image/") and not target.startswith("data:image/svg")
    )
