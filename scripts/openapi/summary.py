"""Prints the counts of a schemathesis JUnit report: operations, failures,
errors and skips (the run's own output has the details).

Usage: summary.py report.xml
"""

import sys
import xml.etree.ElementTree as ElementTree


def main(path: str) -> int:
    suite = ElementTree.parse(path).getroot()
    if suite.tag == "testsuites":
        suite = suite.find("testsuite")
    cases = suite.findall("testcase")
    failed = sum(1 for case in cases if case.find("failure") is not None)
    errored = sum(1 for case in cases if case.find("error") is not None)
    skipped = sum(1 for case in cases if case.find("skipped") is not None)
    print(f"schemathesis: {len(cases)} operations, {failed} failed, {errored} errors, {skipped} skipped")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
