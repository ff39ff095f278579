"""Secret redaction: no log line, error or report may carry a token or a password.

Its own module, without the retry machinery beside it in connectors/http.py: every command
installs the log redaction at start, and most of them never make a request.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable

_secrets: set[str] = set()
_secrets_lock = threading.Lock()
REDACTED = "***"
# Credentials that show up inside text even when we never registered them.
_CREDENTIAL_PATTERNS = [
    re.compile(r"(?i)(authorization:\s*(?:token|bearer|basic)\s+)[^\s'\"]+"),
    re.compile(r"(?i)((?:token|api_token|access_token|password)=)[^&\s'\"]+"),
]


# The userinfo of a URL (`https://user:secret@host/`, `https://TOKEN@host/`): everything between
# `//` and an `@` that comes before the host ends (at `/`, `?`, `#`, whitespace or a quote).
_USERINFO = re.compile(r"(?<=//)[^/?#@\s\"'<>]+@")


def strip_userinfo(text: str) -> str:
    """Drop credentials written into URLs, wherever in the text they are."""
    return _USERINFO.sub("", text) if "@" in text else text


def register_secret(secret: str | None) -> None:
    """Remember a secret so no log line, error or report can carry it."""
    if secret and len(secret) >= 4:
        with _secrets_lock:
            _secrets.add(secret)


def redact(text: str, extra: Iterable[str] = ()) -> str:
    with _secrets_lock:
        secrets = sorted({*_secrets, *(s for s in extra if s)}, key=len, reverse=True)
    for secret in secrets:
        text = text.replace(secret, REDACTED)
    for pattern in _CREDENTIAL_PATTERNS:
        text = pattern.sub(lambda m: m.group(1) + REDACTED, text)
    return strip_userinfo(text)


_factory_installed = False


def install_log_redaction() -> None:
    """Redact every log record at creation, whichever handler (ours, Dagster's) prints it."""
    global _factory_installed
    if _factory_installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args, **kwargs) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a malformed log call must not break logging
            return record
        cleaned = redact(message)
        if cleaned != message or record.args:
            record.msg, record.args = cleaned, None
        return record

    logging.setLogRecordFactory(factory)
    _factory_installed = True
