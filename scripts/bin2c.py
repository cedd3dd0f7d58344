#!/usr/bin/env python3
"""Embeds a binary file in C: bin2c.py INPUT OUTPUT SYMBOL writes
`const unsigned char SYMBOL[]` and `const unsigned SYMBOL_size`."""
import sys

data = open(sys.argv[1], "rb").read()
name = sys.argv[3]
with open(sys.argv[2], "w") as out:
    out.write("/* Generated from %s by scripts/bin2c.py. */\n" % sys.argv[1].split("/")[-1])
    out.write("const unsigned char %s[] = {\n" % name)
    for i in range(0, len(data), 16):
        out.write("    " + ", ".join("0x%02x" % b for b in data[i:i + 16]) + ",\n")
    out.write("};\nconst unsigned %s_size = %d;\n" % (name, len(data)))
