"""The test case files here belong to small projects of their own (flows and instance resources
beside them): tests/test_native_run.py copies each into a pytester project and runs it there, so
this repository's own run does not collect them."""

collect_ignore_glob = ["*.testcase.json"]
