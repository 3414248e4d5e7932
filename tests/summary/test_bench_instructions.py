"""The instruction-counting PDF benchmark reads callgrind's dumps and judges the ratios."""

from __future__ import annotations

from pathlib import Path

from screening.summary import bench_instructions


def _dump(folder: Path, name: str, label: str, total: int) -> None:
    (folder / name).write_text(
        "# callgrind format\nversion: 1\ndesc: I1 cache: \n"
        f"desc: Trigger: dump {label}\n\npositions: line\nevents: Ir\nsummary: 0\n"
        f"fn=(1) main\n3 {total}\ntotals: {total}\n"
    )


def test_counts_are_read_by_dump_label_and_the_final_dump_is_ignored(tmp_path) -> None:
    _dump(tmp_path, "callgrind.41.1", "minimal", 60_000_000)
    _dump(tmp_path, "callgrind.41.2", "case0", 240_000_000)
    _dump(tmp_path, "callgrind.41.3", "case1", 420_000_000)
    (tmp_path / "callgrind.41").write_text("desc: Trigger: Program termination\ntotals: 0\n")
    assert bench_instructions.read_counts(tmp_path) == {
        "minimal": 60_000_000,
        "case0": 240_000_000,
        "case1": 420_000_000,
    }


def test_the_report_judges_each_kind_against_its_target() -> None:
    counts = {"minimal": 60_000_000, "case0": 246_000_000, "case1": 360_000_000}
    text = bench_instructions.report(counts, [("stenosis", "typical"), ("heavy", "heavy")])
    assert "stenosis                 typical      246,000,000   4.10" in text
    assert "typical ratio 4.10 (target <= 4): NOT met" in text
    assert "heavy ratio 6.00 (target <= 6): met" in text
    assert "reference" not in text
    counts["own_words"] = 300_000_000
    text = bench_instructions.report(counts, [("stenosis", "typical"), ("heavy", "heavy")])
    assert "patient text alone, in plain WeasyPrint: ratio 5.00 (the whole heavy summary" in text


def test_without_valgrind_it_says_what_to_install(monkeypatch, capsys) -> None:
    monkeypatch.setattr(bench_instructions.shutil, "which", lambda name: None)
    assert bench_instructions.main([]) == 2
    assert "apt-get install valgrind" in capsys.readouterr().err


def test_earlier_garbage_is_collected_before_each_count_and_outside_it(monkeypatch) -> None:
    """A full collection of earlier garbage falling inside one case's count added a sixth of a
    typical summary to it: each count starts after a collection, as `make bench`'s timings do."""
    from screening.summary import bench, bench_instructions

    events: list[str] = []
    monkeypatch.setattr(bench, "load_examples", lambda: [])
    monkeypatch.setattr(bench, "warm_up", lambda cases: None)
    monkeypatch.setattr(bench, "minimal_document", lambda: events.append("render"))
    monkeypatch.setattr(bench, "heavy_own_words_document", lambda: events.append("render"))
    monkeypatch.setattr(bench_instructions.gc, "collect", lambda: events.append("collect"))
    monkeypatch.setattr(bench_instructions, "_control", lambda *args: events.append(args[0]))
    bench_instructions._count_inside_valgrind()
    one_count = ["collect", "-i", "render", "-i", "-d"]
    assert events == one_count * 2
