"""The app's strings for domain words are built from the tables beside the rules (written once)."""

from __future__ import annotations

from analysis.quality import RULE_WORDS, RULES
from analysis.sequential import FLAG_WORDS
from analysis.verdict import VERDICT_WORDS, VERDICTS
from app.i18n import table, translate
from app.strings import keyed
from sampling.lqas import LQAS_WORDS


def test_domain_words_come_from_their_rules() -> None:
    strings = table()
    for prefix, words in (("dash.verdict", VERDICT_WORDS), ("dash.lqas", LQAS_WORDS), ("dash.flag", FLAG_WORDS),
                          ("review.rule", RULE_WORDS)):
        for code, texts in words.items():
            assert strings[f"{prefix}.{code}"] == texts, (prefix, code)
    assert set(VERDICT_WORDS) == set(VERDICTS) and set(RULE_WORDS) == set(RULES)
    assert translate("dash.verdict.few_sites", "en") == "too few sites to judge on its own"
    assert translate("dash.lqas.does_not_meet", "zh") == "未达标" and translate("dash.flag.open", "en") == "keep watching"


def test_keyed_copies_the_words() -> None:
    words = {"a": {"zh": "甲", "en": "A"}}
    built = keyed("x", words)
    assert built == {"x.a": {"zh": "甲", "en": "A"}}
    built["x.a"]["zh"] = "乙"
    assert words["a"]["zh"] == "甲"
