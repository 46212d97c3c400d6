"""Chinese line breaking for the PDF (the rules of GB/T 15834 and W3C's clreq, simply kept): no
line starts with a closing mark (，。、；：？！ and closing quotes and brackets), none ends with an
opening one, and a number or Latin word (``95%``, ``Korn–Graubard``) is not cut in two (unless
it is wider than a line). Where a closing mark cannot go down with anything, it hangs one mark past
the line's end (标点悬挂).

:func:`wrap` splits a text into lines no wider than ``width`` as ``measure`` counts it (fpdf2's
``get_string_width``); the PDF then writes them one by one.

>>> wrap("甲乙丙丁，戊", 4, len)
['甲乙丙', '丁，戊']
>>> wrap("甲乙丙“丁”", 4, len)
['甲乙丙', '“丁”']
>>> wrap("样本量 1234 份", 6, len)
['样本量 ', '1234 份']
"""

from __future__ import annotations

import re
from collections.abc import Callable

#: marks a line must not start with
NO_START = frozenset("，。、；：？！）］｝〕〉》」』】”’…·%‰,.;:?!)]}>／")
#: marks a line must not end with
NO_END = frozenset("（［｛〔〈《「『【“‘([{<")
_TOKEN = re.compile(r"[A-Za-z0-9%‰.,:+\-–/_@#&=]+|\s+|.", re.S)


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def wrap(text: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """``text`` in lines of at most ``width`` (a token wider than a line is cut by character)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        if measure(paragraph) <= width:  # fits whole: every token would join the line (widths add up)
            lines.append(paragraph)
            continue
        line: list[str] = []
        for token in _tokens(paragraph):
            if not line or measure("".join(line) + token) <= width:
                line.append(token)
                continue
            if token.isspace():  # a break at a space: the space stays at the line's end
                line.append(token)
                lines.append("".join(line))
                line = []
                continue
            carry: list[str] = []
            if token[0] in NO_START:  # the closing mark goes down with the character before it
                while line and (not carry or carry[0][0] in NO_START):
                    carry.insert(0, line.pop())
            while line and line[-1][-1] in NO_END:  # an opening mark goes down with what it opens
                carry.insert(0, line.pop())
            if not line:  # nothing left to keep on this line: the mark hangs past its end instead
                line = [*carry, token]
                continue
            lines.append("".join(line))
            line = [*carry, token]
            while measure("".join(line)) > width and len("".join(line)) > 1:  # too long for any line
                text_now = "".join(line)
                cut = max(1, next((i for i in range(len(text_now), 0, -1) if measure(text_now[:i]) <= width), 1))
                lines.append(text_now[:cut])
                line = [text_now[cut:]]
        lines.append("".join(line))
    return lines


__all__ = ["NO_END", "NO_START", "wrap"]
