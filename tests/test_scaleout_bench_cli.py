"""The scale-out benchmark's command line: the harness's own arguments never reach it, bad ones are
refused with a usage message (it is run by hand and by ``python -m benchmarks``)."""

from __future__ import annotations

import pytest

from benchmarks import bench_scaleout


def test_called_by_the_harness_it_reads_no_command_line(monkeypatch):
    # `python -m benchmarks scaleout` leaves "scaleout" in sys.argv: main() must not read it as a size.
    monkeypatch.setattr("sys.argv", ["benchmarks", "scaleout"])
    seen = []
    parser = bench_scaleout._parser()
    monkeypatch.setattr(
        parser, "parse_args", lambda args: seen.append(args) or parser.parse_known_args([])[0]
    )
    monkeypatch.setattr(bench_scaleout, "_parser", lambda: parser)

    class ClusterStartError(Exception):
        pass

    def no_cluster(*args, **kwargs):
        raise ClusterStartError

    monkeypatch.setattr("symbiosis.distributed.open_executor", no_cluster)
    with pytest.raises(
        ClusterStartError
    ):  # stops where the cluster would start, after the command line was read
        bench_scaleout.main()
    assert seen == [[]]


def test_large_runs_alone_with_its_options(monkeypatch):
    called = {}
    monkeypatch.setattr(bench_scaleout, "bench_large", lambda n, **kw: called.update(n=n, **kw) or [])
    assert bench_scaleout.main(["--large", "1200", "--region-arcs", "50"]) == []
    assert called == {"n": 1200, "memory_limit": "6GiB", "region_arcs": 50, "budget_gib": 13.5}
    bench_scaleout.main(["--large", "10", "--budget-gib", "19"])
    assert called["budget_gib"] == 19.0


@pytest.mark.parametrize(
    ("argv", "read"),
    [
        (["10000", "100000", "--candidates"], {"sizes": [10000, 100000], "candidates": True}),
        (["--task-memory", "1000000", "0", "45"], {"task_memory": [1000000, 0, 45]}),
        (["--sweep", "0", "--regions"], {"sweep": 0, "regions": True}),
    ],
)
def test_options_are_read_as_documented(argv, read):
    options = vars(bench_scaleout._parser().parse_args(argv))
    assert {k: options[k] for k in read} == read


@pytest.mark.parametrize("argv", [["--large", "x"], ["scaleout"], ["--task-memory", "10"]])
def test_bad_arguments_are_refused_with_the_usage(argv, capsys):
    with pytest.raises(SystemExit) as stop:
        bench_scaleout.main(argv)
    assert stop.value.code == 2
    assert "usage: python -m benchmarks.bench_scaleout" in capsys.readouterr().err
