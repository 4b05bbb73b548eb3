"""Merging a validation path's extras into an unsigned credential appends, never replaces."""

from __future__ import annotations

from typing import Any

from issuer.extras import merge_extras


def _unsigned() -> dict[str, Any]:
    return {
        "credentialSubject": {
            "achievement": {"alignment": [{"targetName": "existing"}]},
        },
        "evidence": [{"id": "https://example.org/e/0", "type": ["Evidence"]}],
    }


def test_lists_are_appended_and_subject_fields_set() -> None:
    unsigned = _unsigned()
    extras = {
        "achievement": {"alignment": [{"targetName": "U1.E1"}], "resultDescription": []},
        "credentialSubject": {"result": [{"achievedLevel": "x"}], "narrative": "How it went."},
        "evidence": [{"id": "https://example.org/e/1", "type": ["Evidence"]}],
    }

    merged: Any = merge_extras(unsigned, extras)

    subject = merged["credentialSubject"]
    assert [a["targetName"] for a in subject["achievement"]["alignment"]] == ["existing", "U1.E1"]
    assert "resultDescription" not in subject["achievement"]  # empty lists add nothing
    assert subject["result"] == [{"achievedLevel": "x"}]
    assert subject["narrative"] == "How it went."
    assert [e["id"] for e in merged["evidence"]] == [
        "https://example.org/e/0",
        "https://example.org/e/1",
    ]
    assert unsigned == _unsigned()  # the input is left alone


def test_empty_extras_change_nothing() -> None:
    assert merge_extras(_unsigned(), {}) == _unsigned()
