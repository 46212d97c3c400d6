"""The secret that signs site tokens: from the environment, else a key file made on first use.

Order of precedence:

1. ``TCM_SURVEY_SECRET`` (at least 16 characters): use this with several app replicas, which
   must all sign and verify with the same secret;
2. a key file: the path given, else ``TCM_SURVEY_SECRET_FILE``, else ``data/secret.key`` (relative
   to the working directory). It is created on first use with 32 random bytes and owner-only
   permissions (0600), atomically, so two processes starting together agree on one secret.

The secret never lives in the repository (``data/`` is ignored by git). Changing it invalidates
every printed poster.
"""

from __future__ import annotations

import base64
import os
import secrets as _random
import stat
from pathlib import Path

from survey.errors import SurveyError

ENV_SECRET = "TCM_SURVEY_SECRET"
ENV_SECRET_FILE = "TCM_SURVEY_SECRET_FILE"
DEFAULT_SECRET_FILE = Path("data") / "secret.key"
MIN_SECRET_CHARS = 16


class SecretError(SurveyError):
    """The signing secret cannot be read, created or is too weak."""


def secret_file_path(path: str | os.PathLike[str] | None = None) -> Path:
    """The key file used when ``TCM_SURVEY_SECRET`` is not set."""
    if path is not None:
        return Path(path)
    env = os.environ.get(ENV_SECRET_FILE)
    return Path(env) if env else DEFAULT_SECRET_FILE


def load_secret(path: str | os.PathLike[str] | None = None, *, create: bool = True) -> bytes:
    """The signing secret as bytes (see the module docstring for where it comes from).

    Raises
    ------
    SecretError
        ``TCM_SURVEY_SECRET`` shorter than 16 characters; a key file readable by others, empty,
        or missing with ``create=False``; a key file that cannot be written.
    """
    env = os.environ.get(ENV_SECRET)
    if env is not None:
        if len(env) < MIN_SECRET_CHARS:
            raise SecretError(f"{ENV_SECRET} is set but shorter than {MIN_SECRET_CHARS} characters; use a long random value")
        return env.encode("utf-8")
    file = secret_file_path(path)
    if not file.exists():
        if not create:
            raise SecretError(f"no secret: set {ENV_SECRET} or create the key file {file}")
        _create_key_file(file)
    return _read_key_file(file)


def _create_key_file(file: Path) -> None:
    try:
        file.parent.mkdir(parents=True, mode=0o700, exist_ok=True)  # data/ holds the secret: its owner only
        key = base64.urlsafe_b64encode(_random.token_bytes(32)).rstrip(b"=") + b"\n"
        temp = file.with_name(f".{file.name}.{os.getpid()}.{_random.token_hex(4)}.tmp")
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(key)
                handle.flush()
                os.fsync(handle.fileno())
            try:
                os.link(temp, file)  # atomic, and fails if another process made the file first
            except FileExistsError:
                pass
        finally:
            temp.unlink(missing_ok=True)
    except OSError as exc:
        raise SecretError(f"cannot create the key file {file}: {exc.strerror or exc}") from exc


def _read_key_file(file: Path) -> bytes:
    try:
        info = file.stat()
        if os.name == "posix" and info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise SecretError(
                f"the key file {file} can be read by other users (mode {stat.S_IMODE(info.st_mode):03o}); "
                f"run: chmod 600 {file}"
            )
        key = file.read_bytes().strip()
    except OSError as exc:
        raise SecretError(f"cannot read the key file {file}: {exc.strerror or exc}") from exc
    if len(key) < MIN_SECRET_CHARS:
        raise SecretError(f"the key file {file} holds fewer than {MIN_SECRET_CHARS} characters")
    return key
