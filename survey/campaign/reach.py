"""Can a resident's phone reach a poster's address? Loopback, private and plain-http addresses.

An admin page opened at ``http://127.0.0.1:8751`` would otherwise fill posters with an address no
phone can open. :func:`problems` names what is wrong with a base URL; :func:`warning` says it in
words, with what to set instead (``TCM_SURVEY_PUBLIC_URL``, the public https address of the
form). The admin page and ``python -m survey posters`` both ask before making posters from it.

>>> problems("http://127.0.0.1:8751"), problems("https://192.168.1.20"), problems("https://survey.example.gov.cn")
(['loopback', 'http'], ['private'], [])
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

ENV_PUBLIC_URL = "TCM_SURVEY_PUBLIC_URL"
#: names only a local network resolves
LOCAL_SUFFIXES = (".local", ".lan", ".internal", ".home", ".intranet", ".localdomain")
WORDS = {
    "loopback": {"zh": "是本机地址（只有这台电脑自己能打开）", "en": "is this computer's own address (only it can open it)"},
    "private": {"zh": "是内网地址（手机用移动网络打不开）", "en": "is a private network address (a phone on mobile data cannot open it)"},
    "http": {"zh": "不是 https（微信会提示“非官方网页”或拦截，数据也未加密）",
             "en": "is not https (WeChat warns about or blocks it, and answers travel unencrypted)"},
}
ADVICE = {
    "zh": "请在服务器上设置 " + ENV_PUBLIC_URL + " 为问卷的公网 https 地址（例如 https://survey.example.gov.cn）后重新打开本页，"
          "或在上面填写该地址。",
    "en": "Set " + ENV_PUBLIC_URL + " on the server to the form's public https address (e.g. https://survey.example.gov.cn) "
          "and reopen this page, or enter that address above.",
    "cli_zh": "请用 --base-url 给出问卷的公网 https 地址（例如 https://survey.example.gov.cn，与服务器的 " + ENV_PUBLIC_URL
              + " 相同）；确需使用此地址（如内网测试）时加 --allow-unreachable。",
    "cli_en": "Give the form's public https address with --base-url (e.g. https://survey.example.gov.cn, the server's "
              + ENV_PUBLIC_URL + "); add --allow-unreachable to use this one anyway (e.g. a test on the local network).",
}


def problems(base_url: str) -> list[str]:
    """What keeps a phone from the address: ``loopback``, ``private`` (a private, link-local or
    local-only name) and ``http`` (plain http), in that order; [] for a public https address."""
    parts = urlsplit(base_url.strip())
    host = (parts.hostname or "").lower().rstrip(".")
    out = []
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if host == "localhost" or host.endswith(".localhost") or (address is not None and (address.is_loopback or address.is_unspecified)):
        out.append("loopback")
    elif (address is not None and (address.is_private or address.is_link_local or address.is_reserved)) or (
            address is None and ("." not in host or host.endswith(LOCAL_SUFFIXES))):
        out.append("private")
    if parts.scheme == "http":
        out.append("http")
    return out


def warning(base_url: str, language: str = "zh", *, command_line: bool = False) -> str | None:
    """One sentence on what is wrong with ``base_url`` and what to set (on the admin page, or
    ``command_line``); None when nothing is."""
    found = problems(base_url)
    if not found:
        return None
    advice = ADVICE[("cli_" if command_line else "") + language]
    if language == "zh":
        return f"海报上的地址 {base_url.strip()} " + "，且".join(WORDS[p]["zh"] for p in found) + "：居民扫码后可能打不开问卷。" + advice
    return (f"The posters' address {base_url.strip()} " + ", and ".join(WORDS[p]["en"] for p in found)
            + ": residents who scan it may not reach the form. " + advice)


__all__ = ["ENV_PUBLIC_URL", "problems", "warning"]
