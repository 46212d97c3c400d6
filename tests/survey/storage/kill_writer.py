"""A writer process for the SIGKILL test: submits responses and prints ``ack <nonce> <id>`` after
each commit. Run as ``python -m tests.survey.storage.kill_writer URL CAMPAIGN_ID PREFIX``."""

from __future__ import annotations

import sys

from survey.questionnaire.loader import parse_questionnaire_text
from survey.storage import Store

from .helpers import GOOD_ANSWERS, MINI


def main(url: str, campaign_id: int, prefix: str) -> None:
    questionnaire = parse_questionnaire_text(MINI)
    store = Store.open(url)
    print("ready", flush=True)
    i = 0
    while True:
        nonce = f"{prefix}-{i:06d}"
        result = store.submit(campaign_id, "01", questionnaire, GOOD_ANSWERS, nonce=nonce)
        print(f"ack {nonce} {result.response_id}", flush=True)
        i += 1


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3])
