"""What schemathesis needs to know beyond JSON Schema to generate requests Homeward accepts.

The document marks references with the format `homeward-reference`: their last symbol is a
Luhn mod 32 check symbol, which no pattern can express (crates/homeward-domain/src/reference.rs).
Without a generator of its own, schemathesis would draw strings that only look like references.

Requests that name an agency or a user get one that exists (see `before_call`).
"""

import json
import os

from hypothesis import strategies as st

import schemathesis

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# Every kind's code, as RecordKind::reference_code gives them (the document's patterns list
# them; a value of the wrong kind is filtered out by the pattern schemathesis checks after).
CODES = ["HW", "TR", "CM", "HH", "HV", "CP", "IN", "PC", "SP", "RF", "AA", "AM"]


def luhn_check(values):
    n = len(ALPHABET)
    factor, total = 2, 0
    for v in reversed(values):
        addend = factor * v
        total += addend // n + addend % n
        factor = 1 if factor == 2 else 2
    return (n - total % n) % n


@st.composite
def references(draw):
    code = draw(st.sampled_from(CODES))
    values = draw(st.lists(st.integers(0, len(ALPHABET) - 1), min_size=6, max_size=6))
    symbols = "".join(ALPHABET[v] for v in values) + ALPHABET[luhn_check(values)]
    return f"{code}-{symbols[:4]}-{symbols[4:]}"


schemathesis.openapi.format("homeward-reference", references())


# Names and ids of what exists, which the document cannot list (they are data, and the document
# is public): run.sh reads them from the demo as the administrator. A new user joins an
# existing agency, and a record is assigned to an existing user, as a real client would do;
# every other part of those requests stays as schemathesis generated it.
AGENCIES = json.loads(os.environ.get("HOMEWARD_AGENCIES", "[]"))
USER_IDS = json.loads(os.environ.get("HOMEWARD_USER_IDS", "[]"))


def pick(choices, generated):
    """One of `choices`, the same for the same generated value (a seeded run repeats)."""
    return choices[sum(map(ord, generated)) % len(choices)]


@schemathesis.hook
def before_call(context, case, kwargs):
    body = case.body
    if not isinstance(body, dict):
        return
    path, method = case.operation.path, case.method.upper()
    if method == "POST" and path == "/api/v1/users" and AGENCIES and isinstance(body.get("agency"), str):
        body["agency"] = pick(AGENCIES, body["agency"])
    if method == "PUT" and path.endswith("/assignment") and USER_IDS and isinstance(body.get("user_id"), str):
        body["user_id"] = pick(USER_IDS, body["user_id"])


# Rules of a record that JSON Schema cannot state, or that the document does not state yet.
# A 422 whose every error is one of these is the server applying its rules to data the
# generator made up, not the document allowing what the server refuses; any other error in
# the same answer still fails the run. Each stays listed until the document can say it.
RECORD_RULES = {
    # Which records exist and which the caller may see: data, not form.
    "unknown_reference": "the linked record does not exist",
    "record_out_of_scope": "the linked record is outside the caller's scope",
    "no_consent_to_share": "the linked child did not consent to sharing",
    # Dates against today or against each other: JSON Schema compares no two values.
    "child_over_18": "the date of birth makes the child 18 or older today",
    "age_dob_mismatch": "the age does not agree with the date of birth",
    "separation_before_birth": "the separation is dated before the birth",
    "registered_before_identified": "the registration is dated before the identification",
    # Conditional rules (if/then in JSON Schema): not yet in the document.
    "child_view_without_assent": "a child's view needs the child's assent",
    "decision_org_required": "a decided trafficking status needs the deciding organisation",
    "referral_needs_subject": "a referral needs a case, a person or a household",
    "child_member_telephone": "a child committee member has no telephone recorded",
    "child_member_age": "a child committee member's age is under 18",
}


@schemathesis.hook
def filter_failure(context, failure, case, response):
    if response.status_code != 422:
        return True
    try:
        errors = response.json().get("errors") or []
    except ValueError:
        return True
    return not errors or not all(e.get("code") in RECORD_RULES for e in errors)
