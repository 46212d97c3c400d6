"""Accounts of the admin area and the field app: roles, password hashes, throttled logins, the first admin.

``accounts.service`` holds the rules (see its docstring), ``accounts.passwords`` the scrypt hashes;
the SQL is ``survey/storage/accounts.py``. Command line: ``python -m accounts``.
"""

from accounts.passwords import hash_password, needs_rehash, verify_password  # noqa: F401
from accounts.service import *  # noqa: F403
from accounts.service import (  # noqa: F401 (private names the tests reach)
    _check_password, _lock_for, _now, _retry_after,
)
from accounts import passwords, service  # noqa: F401
from accounts.passwords import _b64  # noqa: F401
