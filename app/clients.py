"""Who is knocking: the address the login throttle counts (``accounts.authenticate(client=...)``).

Forwarding headers are believed only from a configured reverse proxy: ``TCM_SURVEY_TRUSTED_PROXIES``
lists its addresses or networks, separated by commas (``scripts/start.sh`` sets ``127.0.0.1,::1``
for the nginx it starts on the same machine; unset: no proxy is trusted). A request whose
connection comes from a trusted proxy counts as the address in ``X-Real-IP`` (which the README's
nginx block sets to the connecting address, replacing any sent by the browser), else the last
address in ``X-Forwarded-For`` that is not itself a trusted proxy; any other request counts as
its connection's address, and its forwarding headers are ignored (so a new ``X-Forwarded-For``
per attempt no longer makes a new client: issue 23 item 4).

Nothing here is stored: the throttle keeps only a keyed hash in memory.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Callable

ENV_TRUSTED = "TCM_SURVEY_TRUSTED_PROXIES"
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def trusted_proxies(text: str | None = None) -> tuple[Network, ...]:
    """The networks of ``text`` (default: the environment variable); a bad entry is ignored."""
    text = os.environ.get(ENV_TRUSTED, "") if text is None else text
    out = []
    for part in text.replace(";", ",").split(","):
        try:
            out.append(ipaddress.ip_network(part.strip(), strict=False))
        except ValueError:
            continue
    return tuple(out)


def _address(text: object) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    if not isinstance(text, str) or not text.strip() or len(text) > 64:
        return None
    try:
        address = ipaddress.ip_address(text.strip().split("%")[0])
    except ValueError:
        return None
    return address.ipv4_mapped or address if isinstance(address, ipaddress.IPv6Address) else address


def _trusted(address, networks: tuple[Network, ...]) -> bool:  # noqa: ANN001
    return address is not None and any(address.version == n.version and address in n for n in networks)


def client_address(peer: str | None, header: Callable[[str], str | None], networks: tuple[Network, ...] | None = None) -> str | None:
    """The address that identifies the client (see the module doc); None when it is unknown.
    ``peer`` is the connection's address, ``header(name)`` a request header (any case)."""
    networks = trusted_proxies() if networks is None else networks
    connection = _address(peer)
    if connection is None:  # not an IP address (a unix socket, a test client): itself, headers ignored
        return peer[:64] if isinstance(peer, str) and peer else None
    if not _trusted(connection, networks):
        return str(connection)
    real = _address(header("x-real-ip"))
    if real is not None:
        return str(real)
    for entry in reversed((header("x-forwarded-for") or "")[:2000].split(",")):
        forwarded = _address(entry)
        if forwarded is None:
            break
        if not _trusted(forwarded, networks):
            return str(forwarded)
    return str(connection)


__all__ = ["ENV_TRUSTED", "client_address", "trusted_proxies"]
