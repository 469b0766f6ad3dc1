"""The benchmark helpers: wrk's output is read correctly and errors are never hidden."""

from __future__ import annotations

import pytest

from bench import __main__ as runner
from bench.common import format_table, lua_list, parse_wrk

WRK_OUTPUT = """Running 10s test @ http://127.0.0.1:40000/
  2 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     9.81ms    3.20ms  52.11ms   80.00%
    Req/Sec     1.63k   120.00     1.90k    70.00%
  Latency Distribution
     50%    9.12ms
     75%   11.00ms
     90%   13.50ms
     99%    1.20s
  32512 requests in 10.01s, 5.12MB read
  Socket errors: connect 0, read 3, write 0, timeout 1
  Non-2xx or 3xx responses: 7
Requests/sec:   3248.75
Transfer/sec:    523.70KB
BENCH_NON_200 409:5,404:2
"""


def test_requests_per_second_and_percentiles_are_read_in_milliseconds():
    result = parse_wrk(WRK_OUTPUT, name="answers")
    assert (result.requests_per_sec, result.p50_ms, result.p99_ms) == (3248.75, 9.12, 1200.0)
    assert result.requests == 32512


def test_non_200_responses_are_counted_per_status():
    result = parse_wrk(WRK_OUTPUT)
    assert result.non_200 == {"409": 5, "404": 2}
    assert result.non_200_total == 7


def test_socket_errors_are_reported():
    assert parse_wrk(WRK_OUTPUT).socket_errors == {
        "connect": 0,
        "read": 3,
        "write": 0,
        "timeout": 1,
    }


def test_output_without_a_latency_distribution_is_refused():
    with pytest.raises(ValueError):
        parse_wrk("Requests/sec: 10.0\n")


def test_the_table_shows_each_target_as_a_fraction_of_the_baseline():
    ceiling = parse_wrk(WRK_OUTPUT, name="ping")
    half = parse_wrk(WRK_OUTPUT.replace("3248.75", "1624.38"), name="today")
    assert format_table([ceiling, half], baseline=ceiling).splitlines()[-1].endswith("0.50")


def test_lua_strings_are_escaped():
    assert lua_list("cookies", ['a"b\\c']) == 'cookies = {\n"a\\"b\\\\c"\n}\n'


def test_the_runner_discovers_benchmarks_but_not_helpers():
    found = runner.discover()
    assert "quiz_http" in found
    assert "common" not in found
