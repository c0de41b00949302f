"""The Boutiques descriptor of `gpudose run` (tools/boutiques/gpudose-run.json).

Checks: the descriptor's structure (ids, value-keys in the command line, types); every input's
command-line-flag is a real flag of `gpudose run` (from `gpudose run --help`; --data-dir and
--cache-dir from `gpudose --help`, they are global options accepted anywhere); the example
invocation (gpudose-run.invocation.json next to the descriptor) expands, as a Boutiques
executor would, to a command line that runs and writes the declared output file.

usage: boutiques_test.py GPUDOSE DESCRIPTOR WORKDIR
"""
import json
import os
import re
import shlex
import subprocess
import sys


def flags_in_help(text):
    return set(re.findall(r"(?<![\w-])(--?[A-Za-z][\w-]*)", text))


def expand(descriptor, invocation, program):
    """Boutiques' substitution: each value-key becomes 'flag value' (Flag: 'flag' when true),
    or nothing when the input is absent."""
    line = descriptor["command-line"]
    for inp in descriptor["inputs"]:
        key = inp["value-key"]
        value = invocation.get(inp["id"])
        if value is None or (inp["type"] == "Flag" and not value):
            text = ""
        elif inp["type"] == "Flag":
            text = inp["command-line-flag"]
        else:
            if inp["type"] == "Number" and inp.get("integer"):
                value = int(value)
            text = inp.get("command-line-flag", "") + " " + shlex.quote(str(value))
        line = line.replace(key, text.strip())
    args = shlex.split(line)
    assert args[0] == "gpudose", args
    return [program] + args[1:]


def main():
    program, descriptor_path, work = (os.path.abspath(a) for a in sys.argv[1:4])
    descriptor = json.load(open(descriptor_path))
    invocation_path = descriptor_path.replace(".json", ".invocation.json")
    invocation = json.load(open(invocation_path))

    for key in ("name", "tool-version", "schema-version", "command-line", "inputs",
                "output-files", "description"):
        assert key in descriptor, f"descriptor lacks '{key}'"
    ids = [i["id"] for i in descriptor["inputs"]]
    assert len(ids) == len(set(ids)), "duplicate input ids"
    run_help = subprocess.run([program, "run", "--help"], capture_output=True, text=True,
                              check=True).stdout
    top_help = subprocess.run([program, "--help"], capture_output=True, text=True,
                              check=True).stdout
    run_flags, top_flags = flags_in_help(run_help), flags_in_help(top_help)
    version = subprocess.run([program, "--version"], capture_output=True, text=True,
                             check=True).stdout.split()[1]
    assert descriptor["tool-version"] == version, (descriptor["tool-version"], version)
    assert "--source" in run_flags and "--energy" in run_flags, sorted(run_flags)
    for inp in descriptor["inputs"]:
        assert re.fullmatch(r"[a-z_]+", inp["id"]), inp["id"]
        assert inp["type"] in ("String", "Number", "Flag", "File"), inp
        assert inp["value-key"] in descriptor["command-line"], inp["value-key"]
        flag = inp["command-line-flag"]
        known = run_flags | (top_flags if flag in ("--data-dir", "--cache-dir") else set())
        assert flag in known, f"input '{inp['id']}': {flag} is not a flag of gpudose run"
    # Every flag of `gpudose run` is an input (the descriptor follows the program).
    described = {i["command-line-flag"] for i in descriptor["inputs"]}
    for line in run_help.splitlines():
        words = line.split()
        if words and words[0].startswith("-") and not words[0].startswith("-h"):
            flag = words[0].split(",")[-1]
            flag = "-o" if flag == "--output" else flag
            assert flag in described, f"gpudose run {flag} has no descriptor input"
    # Every required flag of `gpudose run` is a required descriptor input.
    for line in run_help.splitlines():
        if "REQUIRED" in line:
            flag = line.split()[0].split(",")[-1]
            assert any(i["command-line-flag"] == flag and not i.get("optional", False)
                       for i in descriptor["inputs"]), f"{flag} is required by gpudose run"
    for key in invocation:
        assert key in ids, f"invocation names unknown input '{key}'"

    os.makedirs(work, exist_ok=True)
    out = os.path.join(work, invocation["result_file"])
    if os.path.exists(out):
        os.remove(out)
    cmd = expand(descriptor, invocation, program)
    print("expanded:", " ".join(shlex.quote(a) for a in cmd))
    done = subprocess.run(cmd, cwd=work, capture_output=True, text=True, timeout=100)
    assert done.returncode == 0, done.stderr
    template = descriptor["output-files"][0]["path-template"]
    assert template == "[RESULT_FILE]", template
    result = json.load(open(out))
    assert result["histories"] == invocation["histories"], result["histories"]
    assert result["seed"] == invocation["seed"]
    assert result["source"] == "Liver", result["source"]
    print("PASS: descriptor flags exist; the example invocation ran and wrote", out)


if __name__ == "__main__":
    main()
