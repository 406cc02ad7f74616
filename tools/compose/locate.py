"""Source lines of the values in a TOML document.

tomllib parses a document into plain dicts and lists and forgets where each
value came from. This module scans the raw text a second time and builds a
parallel tree of Loc objects, so that an error about a key can name the line
of `key = ...`, an error about one element of a multi-line array the line of
that element, and an error about a whole [[table]] the line of its header.

The scanner runs only on text that tomllib has already accepted, so it does
not report syntax errors; it only has to follow the structure: table headers,
dotted and quoted keys, strings of all four kinds (which may contain brackets,
'#' and newlines), comments, arrays and inline tables.
"""

import bisect
import re
import tomllib

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_SCALAR_END = re.compile(r"[,\]}#\r\n]")


class Loc:
    """Where one value is: its line, and the Locs of its keys or elements.

    For a key in a table, `line` is the line of the key (`key = ...`) or of the
    table header that opened it; for an array element, the line the element
    starts on. `children` maps keys (str) or element indices (int) to Locs.
    """

    __slots__ = ("line", "children", "table_array")

    def __init__(self, line, table_array=False):
        self.line = line
        self.children = {}
        self.table_array = table_array  # an array of tables ([[name]])

    def at(self, *path):
        """Line of the value at `path`, or of its nearest located ancestor."""
        loc = self
        for step in path:
            child = loc.children.get(step)
            if child is None:
                break
            loc = child
        return loc.line


def locate(text):
    """Return the root Loc of a TOML document that tomllib has accepted."""
    return _Scanner(text).run()


class _Scanner:
    def __init__(self, text):
        self.text = text
        self.pos = 0
        self.newlines = [i for i, c in enumerate(text) if c == "\n"]

    def line(self, pos=None):
        """1-based line number of a character offset (default: current)."""
        return bisect.bisect_left(self.newlines, self.pos if pos is None else pos) + 1

    def peek(self, n=1):
        return self.text[self.pos:self.pos + n]

    # --- whitespace and comments -------------------------------------------

    def skip_blank(self, newlines):
        """Skip spaces and tabs, and with `newlines` also line ends and comments."""
        text = self.text
        while self.pos < len(text):
            c = text[self.pos]
            if c in " \t":
                self.pos += 1
            elif newlines and c in "\r\n":
                self.pos += 1
            elif newlines and c == "#":
                end = text.find("\n", self.pos)
                self.pos = len(text) if end < 0 else end
            else:
                break

    def skip_line(self):
        """Skip the rest of the line (trailing comment included)."""
        end = self.text.find("\n", self.pos)
        self.pos = len(self.text) if end < 0 else end + 1

    # --- the document ---------------------------------------------------------

    def run(self):
        root = Loc(1)
        table = root
        while True:
            self.skip_blank(newlines=True)
            if self.pos >= len(self.text):
                return root
            line = self.line()
            if self.peek(2) == "[[":
                self.pos += 2
                table = self.open_table(root, self.key_path("]"), line, array=True)
                self.pos += 2  # "]]"
            elif self.peek() == "[":
                self.pos += 1
                table = self.open_table(root, self.key_path("]"), line, array=False)
                self.pos += 1  # "]"
            else:
                self.key_value(table)
            self.skip_line()

    def open_table(self, root, path, line, array):
        """Follow a header's key path from the root and return the new table."""
        loc = root
        for key in path[:-1]:
            loc = self.descend(loc, key, line)
        last = path[-1]
        if not array:
            loc = loc.children.setdefault(last, Loc(line))
            return self.last_element(loc)
        elements = loc.children.setdefault(last, Loc(line, table_array=True))
        element = Loc(line)
        elements.children[len(elements.children)] = element
        return element

    def descend(self, loc, key, line):
        """Step into `key`; in an array of tables, into its latest element."""
        return self.last_element(loc.children.setdefault(key, Loc(line)))

    @staticmethod
    def last_element(loc):
        if loc.table_array and loc.children:
            return loc.children[len(loc.children) - 1]
        return loc

    def key_value(self, table):
        """Parse `key.path = value` and record it in `table`."""
        line = self.line()
        path = self.key_path("=")
        self.pos += 1  # "="
        for key in path[:-1]:
            table = self.descend(table, key, line)
        value = self.value()
        value.line = line  # a key's errors point at the key's line
        table.children[path[-1]] = value

    # --- keys -----------------------------------------------------------------

    def key_path(self, stop):
        """Parse a dotted key up to (not past) the character `stop`."""
        path = []
        while True:
            self.skip_blank(newlines=False)
            c = self.peek()
            if c in ('"', "'"):
                start = self.pos
                self.string()
                path.append(tomllib.loads("k = " + self.text[start:self.pos])["k"])
            else:
                m = _BARE_KEY.match(self.text, self.pos)
                if not m:  # cannot happen on a valid document; keep moving
                    self.pos += 1
                    continue
                path.append(m.group())
                self.pos = m.end()
            self.skip_blank(newlines=False)
            if self.peek() == ".":
                self.pos += 1
                continue
            if self.peek() == stop or self.pos >= len(self.text):
                return path
            self.pos += 1

    # --- values ---------------------------------------------------------------

    def value(self):
        self.skip_blank(newlines=False)
        loc = Loc(self.line())
        c = self.peek()
        if c == "[":
            self.array(loc)
        elif c == "{":
            self.inline_table(loc)
        elif c in ('"', "'"):
            self.string()
        else:
            m = _SCALAR_END.search(self.text, self.pos)
            self.pos = len(self.text) if m is None else m.start()
        return loc

    def array(self, loc):
        self.pos += 1  # "["
        index = 0
        while True:
            self.skip_blank(newlines=True)
            if self.pos >= len(self.text) or self.peek() == "]":
                self.pos += 1
                return
            if self.peek() == ",":
                self.pos += 1
                continue
            loc.children[index] = self.value()
            index += 1

    def inline_table(self, loc):
        self.pos += 1  # "{"
        while True:
            self.skip_blank(newlines=False)
            if self.pos >= len(self.text) or self.peek() == "}":
                self.pos += 1
                return
            if self.peek() == ",":
                self.pos += 1
                continue
            self.key_value(loc)

    def string(self):
        """Skip a string of any of the four kinds."""
        quote = self.peek()
        multi = self.peek(3) == quote * 3
        self.pos += 3 if multi else 1
        text = self.text
        while self.pos < len(text):
            c = text[self.pos]
            if c == "\\" and quote == '"':
                self.pos += 2
            elif multi and text.startswith(quote * 3, self.pos):
                self.pos += 3
                while self.peek() == quote:  # """a"""" ends with a quote inside
                    self.pos += 1
                return
            elif not multi and c == quote:
                self.pos += 1
                return
            else:
                self.pos += 1
