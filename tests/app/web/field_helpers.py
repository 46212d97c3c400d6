"""Helpers of the field app's tests: a surveyor with households, and a phone without JavaScript."""

from __future__ import annotations

import re
from html import unescape

from accounts import create_account
from survey.collect.households import HouseholdSpec

PASSWORD = "field-password-1"


def surveyor_with_households(store, campaign, *, name: str = "ann", n: int = 10, site: str = "01A"):  # noqa: ANN001, ANN201
    create_account(store, name, "surveyor", PASSWORD, actor="test")
    specs = [HouseholdSpec(site, f"{i:03d}", f"太阳村{i}号") for i in range(1, n + 1)]
    return store.assign_households(campaign.id, specs, surveyor=name, actor="test")


def hidden(html: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert found, f"no hidden field {name}"
    return unescape(found.group(1))


def sign_in(client, name: str = "ann", password: str = PASSWORD):  # noqa: ANN001, ANN201
    page = client.get("/field")
    return client.post("/field/login", data={"csrf": hidden(page.text, "csrf"), "username": name, "password": password},
                       follow_redirects=False)


def post_roster(client, path: str, members: list[tuple[str, int]]):  # noqa: ANN001, ANN201
    page = client.get(path)
    data = {"csrf": hidden(page.text, "csrf"), "action": "roster"}
    for i, (sex, age) in enumerate(members):
        data[f"sex{i}"], data[f"age{i}"] = sex, str(age)
    return client.post(path, data=data, follow_redirects=True)


def post_visit(client, path: str, code: str):  # noqa: ANN001, ANN201
    page = client.get(path)
    return client.post(path, data={"csrf": hidden(page.text, "csrf"), "action": "visit", "nonce": hidden(page.text, "nonce"),
                                   "disposition": code}, follow_redirects=True)


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))
