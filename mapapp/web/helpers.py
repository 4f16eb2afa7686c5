"""Small helpers shared by the views."""

from __future__ import annotations

import ipaddress
import re

from flask import current_app

from mapapp.store.layers import Store

__all__ = ["get_store", "valid_host"]

# A host name label: letters, digits and '-', at most 63 characters, not starting or ending with
# '-'. (Werkzeug already turns a Host header with other characters into an empty host.)
_LABEL = re.compile(r"\A(?!-)[A-Za-z0-9-]{1,63}(?<!-)\Z")
_PORT = re.compile(r"\A[0-9]{1,5}\Z")


def get_store() -> Store:
    """Return the app's store."""
    return current_app.extensions["mapapp.store"]


def _valid_name(name: str) -> bool:
    """True for a DNS name or IPv4 address (an optional final dot allowed), ASCII only."""
    labels = name[:-1].split(".") if name.endswith(".") else name.split(".")
    return len(name) <= 254 and all(_LABEL.match(label) for label in labels)


def _valid_port(port: str) -> bool:
    """True for a decimal port number from 1 to 65535."""
    return bool(_PORT.match(port)) and 0 < int(port) < 65536


def valid_host(host: str) -> bool:
    """True if ``host`` (a Host header: name or address, optional port) is well formed."""
    if host.startswith("["):
        address, _, rest = host[1:].partition("]")
        try:
            ipaddress.IPv6Address(address)
        except ValueError:
            return False
        return rest == "" or (rest.startswith(":") and _valid_port(rest[1:]))
    name, colon, port = host.partition(":")
    return _valid_name(name) and (not colon or _valid_port(port))
