"""Validates an OpenAPI 3.1 document with openapi-spec-validator and prints
every error with where it is, then how many there were. Exits 1 on any.

Usage: validate.py openapi.json
"""

import json
import sys

from openapi_spec_validator import OpenAPIV31SpecValidator


def main(path: str) -> int:
    with open(path, encoding="utf-8") as file:
        document = json.load(file)
    if not str(document.get("openapi", "")).startswith("3.1"):
        print(f"openapi-spec-validator: expected OpenAPI 3.1, found {document.get('openapi')!r}")
        return 1
    errors = list(OpenAPIV31SpecValidator(document).iter_errors())
    for error in errors:
        where = "/".join(str(part) for part in error.absolute_path) or "(root)"
        print(f"  {where}: {error.message}")
    operations = sum(
        1
        for item in document.get("paths", {}).values()
        for method in item
        if method in {"get", "put", "post", "delete", "patch"}
    )
    print(f"openapi-spec-validator: {len(errors)} errors in {operations} operations (OpenAPI {document['openapi']})")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
