"""The docs as a reader walks them: README.md stays short (under 300 lines), every page of docs/ can be reached from
it by links, and no link points at a file or heading that is not there."""
import os
import re

from conftest import REPO

LINK = re.compile(r"\]\(([^)\s]+)\)")


def slug(title):
    """A heading's anchor as GitHub makes it."""
    return re.sub(r"[^\w\- ]", "", title.strip().lower()).replace(" ", "-")


def pages():
    out = [REPO / "README.md", REPO / "DESIGN.md", REPO / "examples" / "README.md", REPO / "tools" / "README.md"]
    return out + sorted((REPO / "docs").rglob("*.md"))


def anchors(path):
    found, fenced = set(), False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            fenced = not fenced
            continue
        m = re.match(r"^#{1,6} (.*)$", line)
        if m and not fenced:
            found.add(slug(m.group(1)))
    return found


def links(path):
    """(target path, anchor) of each relative link of a page."""
    for m in LINK.finditer(path.read_text(encoding="utf-8")):
        target = m.group(1)
        if re.match(r"^[a-z]+:", target):
            continue
        file, _, anchor = target.partition("#")
        yield (path.parent / file).resolve() if file else path.resolve(), anchor


def test_readme_is_short():
    lines = (REPO / "README.md").read_text(encoding="utf-8").count("\n")
    assert lines < 300, "README.md has %d lines: move detail to docs/" % lines


def test_every_link_points_at_something():
    bad = []
    for page in pages():
        for target, anchor in links(page):
            if not target.exists():
                bad.append("%s -> %s" % (page.relative_to(REPO), os.path.relpath(target, REPO)))
            elif anchor and target.suffix == ".md" and anchor not in anchors(target):
                bad.append("%s -> %s#%s" % (page.relative_to(REPO), os.path.relpath(target, REPO), anchor))
    assert not bad, "\n".join(bad)


def test_every_docs_page_is_reachable_from_the_readme():
    seen, todo = set(), [(REPO / "README.md").resolve()]
    while todo:
        page = todo.pop()
        if page in seen or page.suffix != ".md" or not page.exists():
            continue
        seen.add(page)
        todo.extend(target for target, _ in links(page))
    unreached = [p.relative_to(REPO) for p in (REPO / "docs").rglob("*.md") if p.resolve() not in seen]
    assert not unreached, unreached


def test_every_examples_properties_are_listed_with_their_defaults():
    """In each plan's Test Plan comment (JMeter keeps it when it saves a plan) and in examples/README.md."""
    import subprocess
    import sys

    out = subprocess.run([sys.executable, str(REPO / "tools" / "build" / "plans" / "example_props.py"), "--check"],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
