"""API parameter names: lowerCamelCase on the wire, snake_case inside (pure).

The NL API Design Rules ask for lowerCamelCase query keys (``maxAfstandKm``); the parsers in
``filters`` and ``intake`` are shared with the HTML forms and read snake_case
(``max_afstand_km``). The API translates once, before parsing. The old snake_case keys stay
accepted for one release as deprecated aliases: :func:`to_internal` reports which were used so
the API can answer with a ``Deprecation`` header.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from werkzeug.datastructures import MultiDict

_CAMEL = re.compile(r"^[a-z][a-z0-9]*(?:[A-Z][a-z0-9]*)+$")
_SNAKE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$")
_UPPER = re.compile(r"([A-Z])")

#: Longest list a JSON body may give for one field (the query form has the same cap in practice).
MAX_LIST = 50


def camel(name: str) -> str:
    """Return ``max_afstand_km`` as ``maxAfstandKm``; other names unchanged."""
    if not _SNAKE.match(name):
        return name
    first, *rest = name.split("_")
    return first + "".join(part[:1].upper() + part[1:] for part in rest)


def snake(name: str) -> str:
    """Return ``maxAfstandKm`` as ``max_afstand_km``; other names unchanged."""
    if not _CAMEL.match(name):
        return name
    return _UPPER.sub(lambda m: "_" + m.group(1).lower(), name)


def to_internal(pairs: Iterable[tuple[str, str]]) -> tuple[MultiDict[str, str], list[str]]:
    """Return the parameters under their internal names and the deprecated names used."""
    internal: MultiDict[str, str] = MultiDict()
    deprecated: list[str] = []
    for name, value in pairs:
        if camel(name) != name and name not in deprecated:
            deprecated.append(name)
        internal.add(snake(name), value)
    return internal, deprecated


def public_names(errors: Mapping[str, str], sent: Iterable[str]) -> dict[str, str]:
    """Return ``errors`` keyed by the parameter names as ``sent`` (``maxAfstandKm``)."""
    as_sent = {snake(name): name for name in sent}
    return {as_sent.get(name, name): message for name, message in errors.items()}


def body_pairs(body: Mapping[str, Any]) -> tuple[list[tuple[str, str]], dict[str, str]]:
    """Flatten a JSON object into query-like pairs; report fields of the wrong JSON type.

    A list becomes repeated values, ``true``/``false`` become ``ja``/``nee`` and numbers their
    text, so the same parser reads a body and a query string.
    """
    pairs: list[tuple[str, str]] = []
    errors: dict[str, str] = {}
    for name, value in body.items():
        if isinstance(value, list):
            if len(value) > MAX_LIST or not all(isinstance(v, str) for v in value):
                errors[name] = f"Geef een lijst van hoogstens {MAX_LIST} teksten."
                continue
            pairs += [(name, v) for v in value]
        elif isinstance(value, bool):
            pairs.append((name, "ja" if value else "nee"))
        elif isinstance(value, int | float):
            pairs.append((name, repr(value)))
        elif isinstance(value, str):
            pairs.append((name, value))
        elif value is not None:
            errors[name] = "Gebruik een tekst, getal, true/false of een lijst van teksten."
    return pairs, errors
