#!/usr/bin/env bash
# Print a Python 3.11+ interpreter that can import jinja2 (Debian's first).
for py in /usr/bin/python3 python3; do
    if "$py" -c 'import sys, jinja2, tomllib; assert sys.version_info >= (3, 11)' 2>/dev/null; then
        command -v "$py"
        exit 0
    fi
done
echo "no python3 >= 3.11 with jinja2; run tools/setup.sh" >&2
exit 1
