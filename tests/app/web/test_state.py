"""The sealed form state: round trip, and refusal of anything edited, foreign or oversized."""

from __future__ import annotations

from dataclasses import replace

from app.web.state import (
    _CONTEXT_V1,
    _CONTEXT_V2,
    IV_BYTES,
    MAX_SEALED_CHARS,
    FormState,
    _crypt,
    _crypt_v2,
    _tag,
    draft_fields,
    open_state,
    seal,
)

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


def test_a_phone_draft_gives_its_fields_and_nothing_else() -> None:
    assert draft_fields('[["q.sex", "female"], ["q.k", 3], ["too", "many", "parts"], "junk"]') == [("q.sex", "female"), ("q.k", "3")]
    assert draft_fields("not json") == draft_fields('{"q.sex": "female"}') == draft_fields(None) == []
    assert len(draft_fields("[" + ",".join(['["q.a", "1"]'] * 2500) + "]")) == 2000


def test_paradata_of_a_finished_form() -> None:
    state = replace(FormState.new(lang="en", now=100.0, mode="paper"), resumed=True).timed("background", 130.0)
    own = state.paradata(surveyor=None, device_id="d" * 32, now=160.5)
    assert own == {"opened_at": "1970-01-01T00:01:40+00:00", "duration_s": 60.5, "section_seconds": {"background": 30.0},
                   "language": "en", "resumed": True, "mode": "self", "surveyor": None, "device_id": "d" * 32}
    assert state.paradata(surveyor="zhang", device_id=None, now=160.5)["mode"] == "paper"


def test_a_sealed_state_hides_its_answers_and_differs_each_time() -> None:
    """Without JavaScript the state travels in the page's address, so it lands in the phone's
    history: its answers are encrypted (no answer, no compressed answer readable without the key)."""
    import base64
    import zlib

    state = replace(FormState.new(now=0.0), answers={"suggestions": "中医馆周六不开门", "age": "61"})
    first, second = seal(state, KEY, "t"), seal(state, KEY, "t")
    assert first != second  # a fresh IV per seal
    assert open_state(first, KEY, "t") == state == open_state(second, KEY, "t")
    body = first.split(".")[0]
    raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    for start in range(16):
        try:
            text = zlib.decompress(raw[start:]).decode("utf-8", "replace")
        except zlib.error:
            continue
        assert "中医馆" not in text and "61" not in text
    assert "中医馆".encode() not in raw


def test_the_sealed_payload_is_every_field_as_json() -> None:
    """The payload, once decrypted, is each field of the state, as JSON; a page sealed by the
    previous version (signed, not encrypted) still opens."""
    import base64
    import json
    import zlib
    from dataclasses import fields

    state = replace(FormState.new(now=5.0), nonce="n0nce-for-the-test", answers={"k": ("a", "b"), "n": 3}, step=1, mode="paper",
                    paper_number="P-7", interview_date="2026-05-01").timed("s1", 9.25)
    body = seal(state, KEY, "1.01A.r.x").split(".")[0]
    sealed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    raw = zlib.decompress(_crypt(KEY, sealed[:IV_BYTES], sealed[IV_BYTES:]))
    payload = json.loads(raw)
    assert list(payload) == [f.name for f in fields(FormState)]
    assert payload["answers"] == {"k": ["a", "b"], "n": 3} and payload["section_seconds"] == {"s1": 4.25}
    assert payload["paper_number"] == "P-7" and payload["step"] == 1 and payload["nonce"] == "n0nce-for-the-test"
    old_body = base64.urlsafe_b64encode(zlib.compress(raw, 6)).rstrip(b"=")
    old = old_body.decode("ascii") + "." + _tag(KEY, "1.01A.r.x", old_body, _CONTEXT_V1)
    assert open_state(old, KEY, "1.01A.r.x") == open_state(seal(state, KEY, "1.01A.r.x"), KEY, "1.01A.r.x") is not None
    assert open_state(old, KEY, "1.02A.r.x") is None


def test_the_keystream_is_shake256_of_the_derived_key_and_iv() -> None:
    """The cipher XORs SHAKE-256(k || iv) in (k: HMAC-SHA256 of the secret and the v3 cipher context)."""
    import hashlib
    import hmac
    import os

    from app.web.state import _STREAM_CONTEXT

    key = hmac.new(KEY, _STREAM_CONTEXT, hashlib.sha256).digest()
    for size in (0, 1, 31, 32, 33, 64, 1999):
        iv, data = os.urandom(IV_BYTES), os.urandom(size)
        stream = hashlib.shake_256(key + iv).digest(size)
        assert _crypt(KEY, iv, data) == bytes(a ^ b for a, b in zip(data, stream, strict=True))
        assert _crypt(KEY, iv, _crypt(KEY, iv, data)) == data
    assert _crypt(KEY, b"\0" * IV_BYTES, b"x" * 40) != _crypt(KEY + b"!", b"\0" * IV_BYTES, b"x" * 40)
    assert _crypt(KEY, b"\0" * IV_BYTES, b"x" * 40) != _crypt(KEY, b"\1" + b"\0" * (IV_BYTES - 1), b"x" * 40)


def test_the_v2_keystream_is_hmac_sha256_of_iv_and_counter_per_block() -> None:
    """The v2 cipher (one keyed HMAC copied per block) gives the same bytes as the plain formula, so a
    page sealed by v2 keeps opening."""
    import hashlib
    import hmac
    import os

    from app.web.state import _CIPHER_CONTEXT

    key = hmac.new(KEY, _CIPHER_CONTEXT, hashlib.sha256).digest()
    for size in (0, 1, 31, 32, 33, 64, 1999):
        iv, data = os.urandom(IV_BYTES), os.urandom(size)
        stream = b"".join(hmac.new(key, iv + i.to_bytes(4, "big"), hashlib.sha256).digest() for i in range((size + 31) // 32))
        assert _crypt_v2(KEY, iv, data) == bytes(a ^ b for a, b in zip(data, stream, strict=False))
        assert _crypt_v2(KEY, iv, _crypt_v2(KEY, iv, data)) == data


def test_a_page_sealed_by_v2_still_opens_for_its_own_token_only() -> None:
    """A state sealed the v2 way (HMAC counter-mode keystream, tag context v2) opens as it was;
    its v2 ciphertext under a v3 tag (or the reverse) does not."""
    import base64
    import json
    import os
    import zlib

    state = replace(FormState.new(now=5.0), answers={"k": ["a"], "n": 3}, step=2)
    raw = json.loads(json.dumps({name: getattr(state, name) for name in state.__dataclass_fields__}))
    iv = os.urandom(IV_BYTES)
    body = base64.urlsafe_b64encode(iv + _crypt_v2(KEY, iv, zlib.compress(json.dumps(raw).encode(), 6))).rstrip(b"=")
    v2 = body.decode("ascii") + "." + _tag(KEY, "1.01A.r.x", body, _CONTEXT_V2)
    assert open_state(v2, KEY, "1.01A.r.x") == state
    assert open_state(v2, KEY, "1.02A.r.x") is None
    assert open_state(body.decode("ascii") + "." + _tag(KEY, "1.01A.r.x", body), KEY, "1.01A.r.x") is None  # v3 tag, v2 cipher


