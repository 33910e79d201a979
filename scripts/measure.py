"""Runs a command and writes {wall, cpu, user, sys, maxrss_mb} of its whole process tree as JSON.

Usage: measure.py OUT.json COMMAND...   (rusage of all waited-for descendants: RUSAGE_CHILDREN)
"""
import json
import resource
import subprocess
import sys
import time

out, command = sys.argv[1], sys.argv[2:]
started = time.monotonic()
code = subprocess.run(command).returncode
wall = time.monotonic() - started
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(out, "w") as f:
    json.dump({
        "exit": code,
        "wall": wall,
        "user": usage.ru_utime,
        "sys": usage.ru_stime,
        "cpu": usage.ru_utime + usage.ru_stime,
        # Linux reports KiB: the largest single process of the tree (for the action: node).
        "maxrss_mb": usage.ru_maxrss / 1024,
    }, f)
