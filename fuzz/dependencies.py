#!/usr/bin/env python3
"""Prints what `fuzz/run` needs to compile Sources/Scr by hand against its package dependencies, as
SwiftPM built them in SCRATCH (`swift build --target Scr --scratch-path SCRATCH`): the search paths
and C module maps of Scr's compile command, one argument a line (`flags`), or the object files of
every target Scr depends on (`objects`), read from the link of EmbeddingBench, an executable that
depends on Scr alone.

Usage: fuzz/dependencies.py SCRATCH flags|objects
"""
import json
import os
import sys

scratch, what = sys.argv[1], sys.argv[2]
manifest = open(f"{scratch}/debug.yaml").read().splitlines()


def args_of(marker):
    for line in manifest:
        if marker in line and line.strip().startswith(("args:", "inputs:")):
            text = line.strip()
            return json.loads(text[text.index("["):])
    sys.exit(f"fuzz/dependencies.py: no line with {marker} in {scratch}/debug.yaml")


if what == "flags":
    args = args_of('"-module-name","Scr"')
    kept, i = [], 0
    while i < len(args):
        if args[i] == "-I":
            kept += args[i:i + 2]
            i += 2
        elif args[i] == "-Xcc" and args[i + 1] == "-I":
            kept += args[i:i + 4]
            i += 4
        elif args[i] == "-Xcc" and args[i + 1].startswith("-fmodule-map-file"):
            kept += args[i:i + 2]
            i += 2
        else:
            i += 1
    print("\n".join(kept))
else:
    inputs = args_of("EmbeddingBench.build/main.swift.o")
    own = ("/EmbeddingBench.build/", "/Scr.build/", "/CScrSupport.build/")
    # Left out: the objects the link would have made first and a target's build does not make (each
    # module's `.swiftmodule.o`, its debugging information wrapped for the linker).
    print("\n".join(path for path in inputs
                    if path.endswith(".o") and not any(o in path for o in own) and os.path.exists(path)))
