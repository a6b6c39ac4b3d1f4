"""The WebNN web-platform-tests conformance vectors, replayed through the Python API on every
executor, with the known failures of tests/conformance/expectations-onednn.txt (a listed case must fail,
any other must pass or be skipped as not supported)."""

import pytest

import wpt_replay
from conftest import CONFORMANCE_DIR, EXPECTATIONS

FILES = sorted(p.name for p in CONFORMANCE_DIR.glob("*.json"))
EXPECTED_FAILURES = wpt_replay.load_expectations(EXPECTATIONS)


def test_the_vectors_are_there():
    assert len(FILES) >= 90, f"conformance vectors missing from {CONFORMANCE_DIR}"


def test_every_expectation_names_a_case():
    names = set()
    for f in FILES:
        for case in wpt_replay.load_file(CONFORMANCE_DIR / f)["cases"]:
            names.add(f"{f}::{case['name']}")
    stale = sorted(set(EXPECTED_FAILURES) - names)
    assert not stale, f"expectations for cases that do not exist: {stale}"


@pytest.mark.parametrize("file", FILES)
def test_conformance(context, file):
    doc = wpt_replay.load_file(CONFORMANCE_DIR / file)
    problems, passed = [], 0
    for case in doc["cases"]:
        key = f"{file}::{case['name']}"
        outcome, reason = wpt_replay.run_case(context, case)
        expected_fail = key in EXPECTED_FAILURES
        if outcome == "fail" and not expected_fail:
            problems.append(f"unexpected failure: {key}: {reason}")
        elif outcome == "pass" and expected_fail:
            problems.append(f"unexpected pass (remove it from the expectations): {key}")
        passed += outcome == "pass"
    assert not problems, "\n".join(problems)
    assert passed > 0 or not doc["cases"], f"{file}: no case passed"
