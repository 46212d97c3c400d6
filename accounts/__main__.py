"""``python -m accounts list | add NAME --role ROLE | passwd NAME``: accounts of the admin area."""

from __future__ import annotations

import argparse
import sys

from accounts.service import ROLES, AccountError, create_account, list_accounts, set_password
from survey.errors import SurveyError
from survey.storage import Store
from survey.storage.audit import command_line_actor


def main(argv: list[str] | None = None) -> int:
    import getpass

    parser = argparse.ArgumentParser(prog="python -m accounts", description="Accounts of the admin area.")
    parser.add_argument("--db", help="database URL (default: TCM_SURVEY_DB, else data/tcm-survey.sqlite)")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="list accounts and roles")
    add = commands.add_parser("add", help="create an account (asks for the password)")
    add.add_argument("username")
    add.add_argument("--role", choices=ROLES, required=True)
    passwd = commands.add_parser("passwd", help="set a new password (asks for it)")
    passwd.add_argument("username")
    for sub in (add, passwd):
        sub.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    args = parser.parse_args(argv)

    def ask() -> str:
        if args.password_stdin:
            return sys.stdin.readline().rstrip("\n")
        first = getpass.getpass("password: ")
        if first != getpass.getpass("again: "):
            raise AccountError("the two passwords differ")
        return first

    actor = command_line_actor()
    try:
        with Store.open(args.db) as store:
            if args.command == "list":
                for account in list_accounts(store):
                    print(f"{account.username}\t{account.role}\t{'active' if account.active else 'disabled'}")
            elif args.command == "add":
                create_account(store, args.username, args.role, ask(), actor=actor)
            else:
                set_password(store, args.username, ask(), actor=actor)
    except SurveyError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
