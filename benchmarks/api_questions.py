"""Write a question file about an API reference: its parameters' defaults and what its functions return.

    python benchmarks/api_questions.py --docs FOLDER --out FILE [--sample 30] [--seed 7]

API references in Markdown (Node.js's, undici's and many more) head each function's section with its signature,
"### `fs.readFile(path[, options], callback)`", and list its parameters and return value under it:

    * `encoding` {string|null} **Default:** `null`
    * Returns: {string|Buffer}

Help channels ask "what is the default encoding for fs.readFile?" and "what does fs.readFileSync return?". This
samples such questions from the folder's pages, each with the line that answers it, in the shape of
`mkdocs-questions.json`, for `benchmarks/quality.py --docs FOLDER --questions FILE` to measure quotebot and its peers
on. The answer is the docs' own line, found by its shape, not by quotebot, so the file doesn't lean towards how
quotebot picks a quote. It has no unanswerable questions.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections.abc import Sequence
from pathlib import Path

# "### `fs.readFile(path[, options], callback)`", "## `new URL(input[, base])`": a function's signature heading.
SIGNATURE_HEADING = re.compile(r"^#{2,4} `?(?:new )?(?P<name>[A-Za-z_$][\w$.]*)\((?:[^()]|\([^()]*\))*\)`?\s*$")
# "* `encoding` {string|null} **Default:** `null`" (the whole item on one line).
PARAMETER_DEFAULT = re.compile(r"^\s*[*-] (?P<line>`(?P<parameter>\w+)` \{[^}]*\}.*\*\*Default:\*\*.*\S)\s*$")
# "* Returns: {string|Buffer}", "* Returns: {Promise} Fulfills with ...".
RETURNS = re.compile(r"^\s*[*-] (?P<line>Returns: .*\S)\s*$")


def sampled_questions(docs: Path, sample: int, seed: int) -> list[dict[str, str]]:
    """Up to `sample` default questions and `sample` return questions, each with its answering line and page."""
    defaults: list[dict[str, str]] = []
    returns: list[dict[str, str]] = []
    for page in sorted(docs.rglob("*.md")):
        function = None
        doc = page.relative_to(docs).as_posix()
        for line in page.read_text(encoding="utf-8", errors="replace").splitlines():
            heading = SIGNATURE_HEADING.match(line)
            if heading:
                function, returned = heading.group("name"), False
                continue
            if line.startswith("#"):
                function = None
                continue
            if function is None:
                continue
            parameter = PARAMETER_DEFAULT.match(line)
            if parameter:
                question = f"what is the default {parameter.group('parameter')} for {function}?"
                defaults.append({"q": question, "answer": parameter.group("line"), "doc": doc})
            returned_line = RETURNS.match(line)
            if returned_line and not returned:
                returned = True
                answer = returned_line.group("line")
                returns.append({"q": f"what does {function} return?", "answer": answer, "doc": doc})
    chooser = random.Random(seed)
    picked = []
    for questions in (defaults, returns):
        unique = list({item["q"]: item for item in questions}.values())  # a function documented twice asks once
        picked += chooser.sample(unique, min(sample, len(unique)))
    return picked


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=Path, required=True, help="a folder of Markdown API reference pages")
    parser.add_argument("--out", type=Path, required=True, help="the question file to write")
    parser.add_argument("--sample", type=int, default=30, help="questions of each kind (default 30)")
    parser.add_argument("--seed", type=int, default=7)
    options = parser.parse_args(argv)
    if not options.docs.is_dir():
        print(f"api_questions.py: error: {options.docs} is not a folder", file=sys.stderr)
        return 2
    questions = sampled_questions(options.docs, options.sample, options.seed)
    if not questions:
        message = f"no signature heading in {options.docs} lists a default or a return"
        print(f"api_questions.py: error: {message}", file=sys.stderr)
        return 1
    payload = {"answerable": questions, "unanswerable": []}
    options.out.write_text(json.dumps(payload, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {len(questions)} questions to {options.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
