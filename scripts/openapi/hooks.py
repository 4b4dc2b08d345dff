"""Schemathesis hooks for `check.sh`. The fuzzer signs in as the first admin
and must not change that account: a role or status change would end the run
in 401s and 403s that say nothing about the API. `before_call` runs in every
phase (generated, coverage and stateful cases alike), so it is where the
account's id is swapped for one that does not exist."""

import os

import schemathesis

OWN_ACCOUNT = os.environ.get("OPENAPI_OWN_ACCOUNT", "")
NO_ACCOUNT = 999_999_999


@schemathesis.hook("before_call").apply_to(method="PATCH", path="/api/v1/accounts/{id}")
def spare_own_account(ctx, case, **kwargs):
    if case.path_parameters and str(case.path_parameters.get("id")) == OWN_ACCOUNT:
        case.path_parameters["id"] = NO_ACCOUNT
