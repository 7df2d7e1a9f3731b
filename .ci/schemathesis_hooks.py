"""A stricter stand-in for Schemathesis's positive_data_acceptance on the simulate endpoint.

The simulate endpoint refuses (400) some requests whose every field is within the document's rules:
fields that together break a rule JSON Schema cannot state (a bucket that ends before it starts,
answered calls over attempts, overlapping buckets, a history without attempts or answers), the
server's work limits, and the seed's probability adjustment (simulated abandonment over 3 %); and
it answers 422 to an Idempotency-Key reused with another body. Those answers are the contract.

This check fails a schema-valid request refused for anything else: in particular for a rule the
document states (a range, a pattern, an item count), which would mean the document and the server
disagree.
"""

import schemathesis

# How the server words a refusal for a rule the document states: a range, a type, a pattern, an item
# count, a required or an unknown field, or a malformed body (the per-field messages come from the
# field tables in contract::fields, which also give the document its ranges). A schema-valid request
# must never get one of these.
STATED_RULES = (
    "must be a number",
    "must be a whole number",
    "must be a list of",
    "must be one of",
    "must be text",
    ": missing;",
    "unknown field",
    "given twice",
    "must be a JSON object",
    "is not of the form",
    "campaignId",
    "malformed JSON body",
    "Idempotency-Key must be",
    "must not be empty",
)


@schemathesis.check
def schema_valid_simulate_refused_only_for_rules_across_fields(ctx, response, case):
    meta = case.meta
    if meta is None or meta.generation.mode.is_negative:
        return None
    if not case.path.endswith("/simulate"):
        return None
    if response.status_code == 422:
        assert "Idempotency-Key" in response.text, f"422 for another reason: {response.text}"
        return None
    if response.status_code != 400:
        return None
    detail = response.json().get("detail", "")
    stated = [rule for rule in STATED_RULES if rule in detail]
    assert not stated, f"a schema-valid request was refused for a rule the document states: {detail}"
    return None
