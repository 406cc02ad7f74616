"""Unit tests of tools/bench-table: ipcbench's JSON lines as a Markdown table."""

import importlib.machinery
import importlib.util
import os
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
_loader = importlib.machinery.SourceFileLoader("bench_table", os.path.join(ROOT, "tools", "bench-table"))
_spec = importlib.util.spec_from_loader("bench_table", _loader)
bt = importlib.util.module_from_spec(_spec)
_loader.exec_module(bt)

LOG = """\
novum: 63 MiB kernel memory
ipcbench: call+reply cross-PD donating U=0: min 570 median 570 cycles (10000 iterations)
{"name": "call+reply cross-PD donating U=0", "min": 570, "median": 570, "iterations": 10000}\r
{"name": "VM exit", "min": 1226, "median": 1232, "iterations": 10000}
{"name": "broken", "min": 1
{"name": "no median", "min": 1, "iterations": 1}
{"name": "text", "min": "1", "median": 1, "iterations": 1}
ipcbench: done
"""


class BenchTable(unittest.TestCase):
    def test_parse_takes_whole_figures_only(self):
        figs = bt.parse(LOG.splitlines())
        self.assertEqual(list(figs), ["call+reply cross-PD donating U=0", "VM exit"])
        self.assertEqual(figs["VM exit"]["median"], 1232)

    def test_one_file(self):
        out = bt.table(bt.parse(LOG.splitlines()))
        self.assertEqual(out.splitlines(), [
            "| figure | instructions | iterations |",
            "|---|---:|---:|",
            "| call+reply cross-PD donating U=0 | 570 | 10,000 |",
            "| VM exit | 1,226 / 1,232 | 10,000 |",
        ])

    def test_before_and_after(self):
        before = bt.parse(['{"name": "a", "min": 1028, "median": 1028, "iterations": 1}',
                           '{"name": "gone", "min": 5, "median": 5, "iterations": 1}',
                           '{"name": "same", "min": 2000, "median": 2000, "iterations": 1}'])
        after = bt.parse(['{"name": "a", "min": 570, "median": 570, "iterations": 1}',
                          '{"name": "same", "min": 2001, "median": 2001, "iterations": 1}',
                          '{"name": "new", "min": 7, "median": 9, "iterations": 1}'])
        out = bt.table(after, before, ("old", "new"))
        self.assertEqual(out.splitlines(), [
            "| figure | old | new | change |",
            "|---|---:|---:|---:|",
            "| a | 1,028 | 570 | -45% |",
            "| same | 2,000 | 2,001 | 0% |",
            "| new | - | 7 / 9 | - |",
            "| gone | 5 | - | - |",
        ])

    def test_ipcbench_baseline_parses(self):
        figs = bt.read(os.path.join(ROOT, "tests", "bench", "before-issue-12.jsonl"))
        self.assertIn("call+reply cross-PD donating U=0", figs)
        self.assertEqual(figs["call+reply cross-PD donating U=0"]["min"], 1028)


if __name__ == "__main__":
    unittest.main()
