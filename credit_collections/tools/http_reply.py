"""Reading an external service's reply within a time and size budget.

``requests`` applies its timeout to each read, so a server trickling a byte at a time holds a
caller for as long as it likes, and a body is read whole whatever its size. Byte-sized reads
return whatever has arrived, so the deadline is checked between them.
"""

import time


class ReplyRefused(Exception):
    """The reply was too large or too slow; its message says which."""


def read_capped(response, max_bytes, deadline, truncate=False):
    """The body of a ``stream=True`` response, read before ``deadline`` (``time.monotonic``).

    :param truncate: return the first ``max_bytes`` instead of refusing a longer body
    """
    if not truncate and int(response.headers.get("Content-Length") or 0) > max_bytes:
        raise ReplyRefused(f"answered more than {max_bytes} bytes")
    body = bytearray()
    for chunk in response.iter_content(chunk_size=1):
        body += chunk
        if len(body) > max_bytes:
            if truncate:
                return bytes(body[:max_bytes])
            raise ReplyRefused(f"answered more than {max_bytes} bytes")
        if time.monotonic() > deadline:
            raise ReplyRefused("gave no full answer in time")
    return bytes(body)
