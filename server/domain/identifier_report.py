"""The identifier report: recall per kind and clinical texts flagged, for Python and for JS.

`python -m server.domain.identifiers --report tests/data/identifiers.json` prints it; the
parity test uses `js_findings` to run pwa/js/identifiers.js under node on the same texts.
"""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

from .identifiers import HIGH, KINDS, Finding, find_identifiers

_ROOT = Path(__file__).resolve().parents[2]
_NODE_SCRIPT = """
const { findIdentifiers } = await import(process.argv[1]);
let data = '';
process.stdin.on('data', (chunk) => { data += chunk; });
process.stdin.on('end', () => {
  const texts = JSON.parse(data);
  const out = texts.map((t) => findIdentifiers(t).map(
    ({ kind, start, end, reason, confidence }) => ({ kind, start, end, reason, confidence })));
  process.stdout.write(JSON.stringify(out));
});
"""


def as_dicts(findings: list[Finding]) -> list[dict]:
    """Findings as the JSON the JS side gives: kind, start, end, reason, confidence."""
    return [vars(f).copy() for f in findings]


def js_findings(texts: list[str]) -> list[list[dict]]:
    """What pwa/js/identifiers.js finds in each text (runs node; raises if it cannot)."""
    url = (_ROOT / "pwa" / "js" / "identifiers.js").as_uri()
    done = subprocess.run(
        ["node", "--input-type=module", "-e", _NODE_SCRIPT, url],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(done.stdout)


def score(cases: list[dict], results: list[list[dict]]) -> list[str]:
    """Report lines: recall per kind, clinical texts flagged, extra findings."""
    want: dict[str, list[int]] = {kind: [0, 0] for kind in KINDS}
    clinical = flagged = flagged_high = extra = 0
    for case, got in zip(cases, results, strict=True):
        spans = {(f["kind"], f["start"], f["end"]) for f in got}
        expected = {(e["kind"], e["start"], e["end"]) for e in case["expect"]}
        for item in expected:
            want[item[0]][0] += item in spans
            want[item[0]][1] += 1
        if expected:
            extra += len(spans - expected)
        else:
            clinical += 1
            flagged += bool(got)
            flagged_high += any(f["confidence"] == HIGH for f in got)
    lines = [
        f"  recall {kind:<16}{hit:>4}/{total:<4}{hit / total:7.1%}"
        for kind, (hit, total) in want.items()
        if total
    ]
    share = flagged / clinical if clinical else 0.0
    lines.append(
        f"  clinical texts flagged {flagged}/{clinical} ({share:.1%}), high {flagged_high}"
    )
    lines.append(f"  extra findings on identifier texts {extra}")
    return lines


def _microseconds_per_text(texts: list[str], rounds: int = 200) -> float:
    started = time.process_time()
    for _ in range(rounds):
        for text in texts:
            find_identifiers(text)
    return (time.process_time() - started) / (rounds * len(texts)) * 1e6


def report(path: str) -> int:
    """Print the report for a case file; 1 if phone and server disagree on any case."""
    cases = json.loads(Path(path).read_text())["cases"]
    texts = [c["text"] for c in cases]
    python = [as_dicts(find_identifiers(t)) for t in texts]
    clinical = [t for c, t in zip(cases, texts, strict=True) if not c["expect"]]
    print(f"{path}: {len(cases)} cases, {len(cases) - len(clinical)} with identifiers")
    speed = _microseconds_per_text(clinical)
    print(f"Python ({speed:.1f} us per clinical text)", *score(cases, python), sep="\n")
    try:
        js = js_findings(texts)
    except (OSError, subprocess.SubprocessError) as error:
        print(f"JavaScript: not run ({type(error).__name__})")
        return 1
    print("JavaScript", *score(cases, js), sep="\n")
    differ = [i for i, (a, b) in enumerate(zip(python, js, strict=True)) if a != b]
    print(f"Phone and server identical on every case: {'yes' if not differ else 'NO'}")
    for i in differ[:10]:
        print(f"  case {i}: python {python[i]} js {js[i]}")
    return 1 if differ else 0


def main(argv: list[str]) -> int:
    """The command line: --report CASES.json."""
    if len(argv) != 2 or argv[0] != "--report":
        print("usage: python -m server.domain.identifiers --report CASES.json")
        return 2
    return report(argv[1])
