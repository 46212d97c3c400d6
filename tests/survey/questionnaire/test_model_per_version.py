"""survey.questionnaire.per_version: a fact of a questionnaire worked out once per instrument version."""

from __future__ import annotations

import dataclasses

from survey.questionnaire import per_version


@dataclasses.dataclass(frozen=True)
class _Version:
    version_hash: str
    title: str


def test_a_fact_is_worked_out_once_per_version_hash() -> None:
    calls: list[str] = []

    @per_version
    def title_length(questionnaire) -> int:  # noqa: ANN001 - anything with a version_hash
        calls.append(questionnaire.version_hash)
        return len(questionnaire.title)

    assert title_length(_Version("a" * 64, "居民调查")) == 4
    assert title_length(_Version("a" * 64, "another object, the same version")) == 4  # the version's fact, kept
    assert title_length(_Version("b" * 64, "职工")) == 2
    assert calls == ["a" * 64, "b" * 64] and title_length.__name__ == "title_length"
