#!/usr/bin/env python3
"""Every example plan's JMeter properties (`${__P(name,default)}`) with their defaults, written where users
look: at the end of each plan's Test Plan comment (which JMeter keeps when it saves a plan, unlike an XML
comment) and in examples/README.md between its markers. `--check` writes nothing and fails when either is
stale (tests/test_docs.py runs it).

    python3 tools/build/plans/example_props.py [--check]
"""
import html
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
EXAMPLES = REPO / "examples"
BEGIN = "<!-- example properties (tools/build/plans/example_props.py writes it) -->"
END = "<!-- /example properties -->"
MARK = " Properties (-Jname=value, default): "


def properties(text):
    """[(name, default)] of a plan's ${__P(...)} calls, in order of first use."""
    out = {}
    for m in re.finditer(r"\$\{__P\(", text):
        i, depth, arg = m.end(), 0, ""
        while i < len(text):
            c = text[i]
            if c == "(":
                depth += 1
            elif c == ")":
                if depth == 0:
                    break
                depth -= 1
            arg += c
            i += 1
        name, _, default = arg.partition(",")
        out.setdefault(html.unescape(name.strip()), html.unescape(default))
    return list(out.items())


def listing(props):
    return ", ".join("%s (%s)" % (n, d if d != "" else "empty") for n, d in props)


def with_comment(text, props):
    """The plan with its Test Plan comment ending in the properties."""
    m = re.search(r'(testclass="TestPlan"[^>]*>\s*<stringProp name="TestPlan.comments">)([^<]*)(</stringProp>)', text)
    if not m:
        # no comment yet: one, first in the Test Plan element
        opening = re.search(r'<TestPlan [^>]*testclass="TestPlan"[^>]*>\n', text)
        if not opening:
            raise SystemExit("no Test Plan element in a plan")
        text = (text[:opening.end()] + '      <stringProp name="TestPlan.comments"></stringProp>\n'
                + text[opening.end():])
        return with_comment(text, props)
    own = m.group(2).split(MARK.strip())[0].rstrip()
    new = (own + MARK if own else MARK.lstrip()) + html.escape(listing(props), quote=False) + "."
    return text[:m.start(2)] + new + text[m.end(2):]


def table(plans):
    lines = [BEGIN, "| plan | every property, with its default |", "|---|---|"]
    for name, props in plans:
        lines.append("| `examples/%s` | %s |" % (name, ", ".join("`%s` (%s)" % (n, "`%s`" % d if d else "empty")
                                                               for n, d in props)))
    return "\n".join(lines + [END])


def main(check):
    stale = []
    plans = []
    for plan in sorted(EXAMPLES.glob("*.jmx")):
        text = plan.read_text(encoding="utf-8")
        props = properties(text)
        plans.append((plan.name, props))
        new = with_comment(text, props)
        if new != text:
            stale.append(str(plan.relative_to(REPO)))
            if not check:
                plan.write_text(new, encoding="utf-8")
    readme = EXAMPLES / "README.md"
    text = readme.read_text(encoding="utf-8")
    block = table(plans)
    if BEGIN in text:
        new = text[:text.index(BEGIN)] + block + text[text.index(END) + len(END):]
    else:
        new = text.rstrip("\n") + "\n\n## Every property\n\n" + block + "\n"
    if new != text:
        stale.append("examples/README.md")
        if not check:
            readme.write_text(new, encoding="utf-8")
    if check and stale:
        raise SystemExit("stale (run tools/build/plans/example_props.py): " + ", ".join(stale))


if __name__ == "__main__":
    main("--check" in sys.argv[1:])
