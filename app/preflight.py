"""Checks before the app starts: ``python -m app.preflight`` (``scripts/start.sh`` runs it).

Opens (and upgrades) the database and makes sure the accounts match the mode: demo accounts only
in demo mode, a first admin when there is none (``accounts.ensure_first_admin``). Any
problem (a ``TCM_SURVEY_ADMIN_PASSWORD`` under 8 characters, an unreachable database) is printed
as one clear line and the exit status is 2, so the app does not start half-configured.
"""

from __future__ import annotations

import logging
import sys

from survey.errors import SurveyError


def main() -> int:
    from accounts import ensure_first_admin
    from survey.storage import Store

    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    try:
        with Store.open() as store:
            ensure_first_admin(store)
    except SurveyError as exc:
        print(f"tcm-survey cannot start: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
