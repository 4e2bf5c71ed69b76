"""An allow-list for SVG images: static drawing only, nothing that runs, moves or fetches.

Every element, attribute and CSS property must be on a list; CSS (``style`` attributes, ``<style>``
elements, presentation attributes) is tokenized with tinycss2 and judged token by token, so
escapes (``\\75 rl(``) and comments cannot hide a URL. The only reference allowed anywhere is
to an id inside the same image (``#id``, ``url(#id)``). A deny-list of known dangers let
animation elements (``<set to="javascript:...">``) and escaped ``url(`` through; this does not.
"""

from __future__ import annotations

from collections.abc import Iterable

import tinycss2
from lxml import etree

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"
EDITOR_NS = frozenset({
    "http://www.inkscape.org/namespaces/inkscape",
    "http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "http://purl.org/dc/elements/1.1/",
    "http://creativecommons.org/ns#",
    "http://www.serif.com/",
    "http://www.bohemiancoding.com/sketch/ns",
    *(f"http://ns.adobe.com/{name}/" for name in (
        "AdobeIllustrator/10.0", "AdobeSVGViewerExtensions/3.0", "Extensibility/1.0", "Flows/1.0", "Graphs/1.0",
        "ImageReplacement/1.0", "SaveForWeb/1.0", "Variables/1.0", "GenericCustomNamespace/1.0", "XPath/1.0")),
})
"""Drawing programs' bookkeeping (Inkscape, Affinity, Sketch, Illustrator, Dublin Core metadata):
elements and attributes in these namespaces are never drawn nor run, so they are kept."""

ELEMENTS = frozenset("""
    svg g defs symbol use title desc metadata switch style
    path rect circle ellipse line polyline polygon text tspan textPath
    linearGradient radialGradient stop pattern clipPath mask marker
    filter feBlend feColorMatrix feComponentTransfer feComposite feConvolveMatrix feDiffuseLighting
    feDisplacementMap feDistantLight feDropShadow feFlood feFuncA feFuncB feFuncG feFuncR
    feGaussianBlur feMerge feMergeNode feMorphology feOffset fePointLight feSpecularLighting
    feSpotLight feTile feTurbulence
""".split())
"""No script, foreignObject, image, feImage, a, iframe, animate, set, animateMotion, animateTransform."""

PROPERTIES = frozenset("""
    fill fill-opacity fill-rule stroke stroke-width stroke-opacity stroke-dasharray stroke-dashoffset
    stroke-linecap stroke-linejoin stroke-miterlimit opacity color display visibility overflow clip
    clip-path clip-rule mask filter marker marker-start marker-mid marker-end paint-order vector-effect
    font font-family font-size font-style font-weight font-variant font-stretch font-size-adjust
    text-anchor dominant-baseline alignment-baseline baseline-shift letter-spacing word-spacing
    text-decoration direction writing-mode unicode-bidi line-height text-transform white-space
    stop-color stop-opacity flood-color flood-opacity lighting-color color-interpolation
    color-interpolation-filters shape-rendering text-rendering image-rendering isolation
    mix-blend-mode transform transform-origin transform-box enable-background
""".split())
"""CSS properties, also allowed as presentation attributes."""

ATTRIBUTES = PROPERTIES | frozenset("""
    id class lang tabindex role focusable version baseProfile viewBox preserveAspectRatio
    x y x1 y1 x2 y2 cx cy r rx ry fx fy fr width height d points pathLength dx dy rotate
    textLength lengthAdjust startOffset method spacing side href
    gradientUnits gradientTransform spreadMethod offset patternUnits patternContentUnits
    patternTransform clipPathUnits maskUnits maskContentUnits markerWidth markerHeight markerUnits
    refX refY orient filterUnits primitiveUnits in in2 result stdDeviation mode type values
    operator k1 k2 k3 k4 radius scale xChannelSelector yChannelSelector baseFrequency numOctaves
    seed stitchTiles tableValues slope intercept amplitude exponent order kernelMatrix divisor bias
    targetX targetY edgeMode preserveAlpha surfaceScale specularConstant specularExponent
    diffuseConstant azimuth elevation pointsAtX pointsAtY pointsAtZ limitingConeAngle
    kernelUnitLength z requiredFeatures requiredExtensions systemLanguage style
""".split())

FUNCTIONS = frozenset("""
    rgb rgba hsl hsla hwb lab lch oklab oklch color color-mix light-dark calc min max clamp var attr
    matrix matrix3d translate translatex translatey translatez translate3d scale scalex scaley scalez
    scale3d rotate rotatex rotatey rotatez rotate3d skew skewx skewy perspective
    rect inset circle ellipse polygon path
""".split())
"""CSS functions that compute a value; none of them can name a file (unlike image-set, url...)."""


def problem(root: etree._Element) -> str | None:
    """Why this SVG may not ship, as the end of a sentence "image 'x' ...", or None."""
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue  # comments and processing instructions inside the drawing are inert
        found = _element_problem(element)
        if found:
            return found
    return None


def _element_problem(element: etree._Element) -> str | None:
    name = etree.QName(element)
    if name.namespace in EDITOR_NS:
        return None
    if name.namespace != SVG_NS or name.localname not in ELEMENTS:
        return f"contains <{name.localname}>, which is not allowed (a static drawing holds no scripts, animations, links or embedded documents)"
    for attr, value in element.attrib.items():
        found = _attribute_problem(etree.QName(attr), value)
        if found:
            return found
    if name.localname == "style":
        return _stylesheet_problem(element.text or "")
    return None


def _attribute_problem(attr: etree.QName, value: str) -> str | None:
    local, namespace = attr.localname, attr.namespace
    if namespace in EDITOR_NS or (namespace == XML_NS and local in ("lang", "space")):
        return None
    if local.startswith("on"):
        return f"has an event handler ({local}), which is not allowed"
    if namespace == XLINK_NS and local in ("href", "title") or namespace is None and local == "href":
        return None if local == "title" or value.strip().startswith("#") else _outside(value.strip())
    allowed = namespace is None and (local in ATTRIBUTES or local.startswith(("aria-", "data-")))
    if not allowed:
        return f"has the attribute '{local}', which is not allowed in an SVG image"
    if local == "style":
        return _declarations_problem(tinycss2.parse_blocks_contents(value, skip_comments=True, skip_whitespace=True))
    if local in PROPERTIES:
        return _tokens_problem(tinycss2.parse_component_value_list(value, skip_comments=True))
    return None


def _stylesheet_problem(css: str) -> str | None:
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if rule.type == "at-rule":
            target = _first_url(rule.prelude)
            return _outside(target) if target else f"has a CSS rule @{rule.at_keyword}, which is not allowed in an SVG image"
        if rule.type == "error":
            return f"has CSS that cannot be read ({rule.message})"
        found = _declarations_problem(  # the selector before it names elements, never a file
            tinycss2.parse_blocks_contents(rule.content, skip_comments=True, skip_whitespace=True))
        if found:
            return found
    return None


def _declarations_problem(items: Iterable) -> str | None:
    for item in items:
        if item.type == "error":
            return f"has CSS that cannot be read ({item.message})"
        if item.type != "declaration":
            return "has nested CSS rules in a style, which are not allowed in an SVG image"
        if item.lower_name not in PROPERTIES and not item.lower_name.startswith("--"):
            return f"has the CSS property '{item.name}', which is not allowed in an SVG image"
        found = _tokens_problem(item.value)
        if found:
            return found
    return None


def _tokens_problem(tokens: Iterable) -> str | None:
    for token in tokens:
        if token.type == "url":
            if not token.value.strip().startswith("#"):
                return _outside(token.value)
        elif token.type == "function":
            if token.lower_name == "url":
                target = "".join(getattr(t, "value", "") for t in token.arguments if t.type == "string")
                if not target.startswith("#"):
                    return _outside(target)
            elif token.lower_name not in FUNCTIONS:
                return f"uses the CSS function {token.name}(), which is not allowed in an SVG image"
        elif token.type == "error":
            return f"has CSS that cannot be read ({token.message})"
        nested = getattr(token, "arguments", None) or getattr(token, "content", None)
        if nested:
            found = _tokens_problem(nested)
            if found:
                return found
    return None


def _first_url(tokens: Iterable) -> str | None:
    for token in tokens:
        if token.type in ("url", "string"):
            return str(token.value)
        if token.type == "function" and token.lower_name == "url":
            return "".join(str(getattr(t, "value", "")) for t in token.arguments if t.type == "string")
    return None


def _outside(target: str) -> str:
    return f"refers to '{target}': SVG images must be self-contained"
