#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""embed-json.py IN OUT NAME: a C header holding the JSON document IN as the string NAME.

The canary's built-in expectation is what `runwardenctl canary expect --no-policy` writes at build
time, so that it cannot drift from the baseline runwarden applies.
"""
import json
import os
import sys


def c_string(data):
    out = []
    for b in data:
        if b == 0x0A:
            out.append('\\n"\n    "')
        elif 32 <= b < 127 and b not in (0x22, 0x5C, 0x3F):
            out.append(chr(b))
        else:
            out.append('\\%03o' % b)
    return '    "' + ''.join(out) + '"'


def main():
    if len(sys.argv) != 4:
        sys.exit('usage: embed-json.py IN OUT NAME')
    src, dst, name = sys.argv[1:]
    with open(src, 'rb') as f:
        data = f.read()
    json.loads(data)  # refuse anything that is not one JSON document
    with open(dst + '.tmp', 'w') as f:
        f.write('/* Generated from %s by ctl/canary/embed-json.py: do not edit. */\n'
                % os.path.basename(src))
        f.write('#pragma once\n\nstatic const char %s[] =\n%s;\n' % (name, c_string(data)))
    os.replace(dst + '.tmp', dst)


if __name__ == '__main__':
    main()
