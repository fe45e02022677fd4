"""The client's address behind the proxies in front, and the scheme it used: believed only from those proxies.

Behind nginx every request comes from the proxy's address. The proxy says
who the client was in X-Forwarded-For and which scheme it used in
X-Forwarded-Proto; but so can anyone who sends those headers. This
middleware, first in the stack, believes them only when the request comes
from an address in TRUSTED_PROXIES, and then takes the client from
X-Forwarded-For as many places from its right as there are proxies
(TRUSTED_PROXY_DEPTH, django-xff's XFF_TRUSTED_PROXY_DEPTH): whatever a
client wrote into the header itself stands further left and is ignored.
REMOTE_ADDR is then the client's, for everything that reads it: the login
lockout (django-axes), the comment rate limit and the logs. From any other
address the forwarded headers are removed, so a client that reaches the
server directly cannot choose its address or claim HTTPS.
"""

import ipaddress
import logging

from django.conf import settings
from xff.middleware import XForwardedForMiddleware

logger = logging.getLogger(__name__)

FORWARDED_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST", "HTTP_X_REAL_IP")


def networks(entries):
    return [ipaddress.ip_network(entry, strict=False) for entry in entries]


def address(text):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


class TrustedProxyMiddleware(XForwardedForMiddleware):
    def __init__(self, get_response=None):
        super().__init__(get_response)
        self.trusted = networks(settings.TRUSTED_PROXIES)

    def from_trusted_proxy(self, request):
        peer = address(request.META.get("REMOTE_ADDR", ""))
        return peer is not None and any(peer in network for network in self.trusted)

    def __call__(self, request):
        if not self.from_trusted_proxy(request):
            for header in FORWARDED_HEADERS:
                request.META.pop(header, None)
            request.__dict__.pop("headers", None)
            return self.get_response(request)
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
        chain = forwarded.split(",") if forwarded is not None else []
        if chain and not all(address(hop) for hop in chain[-self.get_trusted_depth(request) :]):
            # A trusted proxy passed on something that is not an address:
            # keep the proxy's own rather than a made-up one.
            logger.warning("X-Forwarded-For from a trusted proxy is not a list of addresses: %r", chain)
            request.META.pop("HTTP_X_FORWARDED_FOR", None)
            request.__dict__.pop("headers", None)
        return super().__call__(request)
