"""The sealed form state: round trip, and refusal of anything edited, foreign or oversized."""

from __future__ import annotations

from dataclasses import replace

from app.web.state import MAX_SEALED_CHARS, FormState, open_state, seal

KEY = b"state-test-secret-0123456789abcdef"


def test_round_trip_keeps_answers_and_clocks() -> None:
    state = replace(FormState.new(lang="en", now=100.0), answers={"sex": "female", "k": ["a", "b"]}, step=2, consent=True)
    state = state.timed("background", 130.5)
    opened = open_state(seal(state, KEY, "1.01A.r.x"), KEY, "1.01A.r.x")
    assert opened == state and opened.section_seconds == {"background": 30.5} and opened.shown_at == 130.5


def test_edited_foreign_or_oversized_states_are_refused() -> None:
    sealed = seal(FormState.new(now=0.0), KEY, "1.01A.r.x")
    body, tag = sealed.split(".")
    assert open_state(body[:-1] + ("A" if body[-1] != "A" else "B") + "." + tag, KEY, "1.01A.r.x") is None
    assert open_state(sealed, KEY, "1.04B.r.x") is None  # another poster's form
    assert open_state(sealed, KEY, "1.01A.r.x|surveyor") is None  # surveyor and public forms apart
    assert open_state(sealed, b"another-secret-0123456789abcdefgh", "1.01A.r.x") is None
    assert open_state("x" * (MAX_SEALED_CHARS + 1), KEY, "1.01A.r.x") is None
    assert open_state(None, KEY, "1.01A.r.x") is None and open_state("no-dot", KEY, "1.01A.r.x") is None


def test_a_new_state_has_a_fresh_nonce() -> None:
    assert FormState.new().nonce != FormState.new().nonce
