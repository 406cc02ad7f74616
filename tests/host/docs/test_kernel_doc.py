"""docs/kernel.md against the tree: its map of kernel files names every file
under kernel/ and nothing else, and its handler example is the real code.

Run: python3 -m unittest discover -s tests/host/docs
"""

import os
import re
import unittest

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))
DOC = os.path.join(ROOT, "docs", "kernel.md")
KERNEL = os.path.join(ROOT, "kernel")


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def section(text, title):
    start = text.index("\n## %s\n" % title)
    end = text.find("\n## ", start + 1)
    return text[start:] if end < 0 else text[start:end]


def kernel_files():
    out = set()
    for d, _, files in os.walk(KERNEL):
        for f in files:
            out.add(os.path.relpath(os.path.join(d, f), KERNEL))
    return out


class KernelDoc(unittest.TestCase):
    def test_file_map_matches_tree(self):
        listed = []
        for line in section(read(DOC), "Files").splitlines():
            if line.startswith("| `"):
                listed += re.findall(r"`([^`]+)`", line.split("|")[1])
        self.assertEqual(len(listed), len(set(listed)), "a file is listed twice")
        tree = kernel_files()
        self.assertEqual(sorted(tree - set(listed)), [], "files under kernel/ missing from the map")
        self.assertEqual(sorted(set(listed) - tree), [], "the map lists files kernel/ does not have")

    def test_handler_example_is_the_source(self):
        shape = section(read(DOC), "Handler shape")
        source = re.search(r"`(src/\w+\.c)`\):", shape).group(1)
        example = re.search(r"```c\n(.*?)```", shape, re.S).group(1)
        self.assertIn(example, read(os.path.join(KERNEL, source)),
                      "the handler quoted in docs/kernel.md differs from kernel/%s" % source)


if __name__ == "__main__":
    unittest.main()
