"""Calls to the external KYC services: the EU VIES VAT check and a generic credit bureau.

Every failure (network, timeout, HTTP status, malformed reply) becomes :class:`CheckFailed`
with a message for the checklist, so that a check never crashes its caller.
"""

import json
import time

import requests

from .http_reply import ReplyRefused, read_capped

VIES_DEFAULT_URL = "https://ec.europa.eu/taxation_customs/vies/rest-api"
# A VIES or bureau answer is a few kilobytes: anything much larger is not one.
MAX_REPLY_BYTES = 64 * 1024


class CheckFailed(Exception):
    """The service could not give an answer; the check is to be retried later."""


def fetch_json(url, timeout, headers=None, params=None):
    """The JSON reply of a GET on ``url``, read within ``timeout`` seconds in all and
    ``MAX_REPLY_BYTES``."""
    deadline = time.monotonic() + timeout
    try:
        with requests.get(
            url, headers=headers, params=params, timeout=timeout, stream=True
        ) as response:
            if response.status_code >= 400:
                raise CheckFailed(f"{url} answered HTTP {response.status_code}")
            body = read_capped(response, MAX_REPLY_BYTES, deadline)
    except ReplyRefused as error:
        raise CheckFailed(f"{url} {error} (within {timeout} s)") from error
    except requests.Timeout as error:
        raise CheckFailed(f"no answer from {url} within {timeout} s") from error
    except requests.RequestException as error:
        raise CheckFailed(f"{url} could not be reached: {error}") from error
    try:
        return json.loads(body)
    except ValueError as error:
        raise CheckFailed(f"{url} did not answer JSON") from error
    except RecursionError as error:
        raise CheckFailed(f"{url} answered JSON nested too deeply") from error


def vies_check(base_url, vat, timeout):
    """``(valid, name and address)`` of an EU VAT number with its country prefix."""
    country, number = vat[:2].upper(), vat[2:]
    reply = fetch_json(f"{base_url.rstrip('/')}/ms/{country}/vat/{number}", timeout)
    if not isinstance(reply, dict) or not isinstance(reply.get("isValid"), bool):
        raise CheckFailed("VIES answered without a validity ('isValid')")
    details = " ".join(str(reply.get(key) or "").strip() for key in ("name", "address")).strip()
    return reply["isValid"], details


def bureau_score(base_url, token, score_path, identifier, timeout):
    """The bureau's 0-100 score for the company identified by ``identifier`` (VAT number).

    :param score_path: where the score is in the JSON reply, dotted (``data.score``)
    """
    headers = {"Authorization": f"Bearer {token}"} if token else None
    reply = fetch_json(base_url, timeout, headers=headers, params={"id": identifier})
    value = reply
    for key in score_path.split("."):
        if not isinstance(value, dict) or key not in value:
            raise CheckFailed(f"the bureau's reply has no '{score_path}'")
        value = value[key]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 100:
        raise CheckFailed(f"the bureau's '{score_path}' is not a score from 0 to 100: {value!r}")
    return float(value)
