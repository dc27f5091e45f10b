# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Write each addon's README.rst from its readme/ fragments, in OCA's generated layout.

OCA generates README.rst with ``oca-gen-addon-readme`` (maintainer-tools), which is not
published on the package index; this does the same for the fragments these addons have.
``--check`` exits 1 when README.rst is not what the fragments give (run by scripts/lint.sh).

    python scripts/readme_rst.py [--check]    # every addon of the repository
"""

import ast
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# (fragment, section title); DESCRIPTION has no title, as in OCA's layout.
SECTIONS = (("CONFIGURE.md", "Configuration"), ("USAGE.md", "Usage"))
HEADER = """\
{rule}
{name}
{rule}

..
   Generated from readme/ by scripts/readme_rst.py: edit the fragments, not this file.

.. |badge1| image:: https://img.shields.io/badge/maturity-Beta-yellow.png
    :target: https://odoo-community.org/page/development-status
    :alt: Beta
.. |badge2| image:: https://img.shields.io/badge/license-LGPL--3-blue.png
    :target: http://www.gnu.org/licenses/lgpl-3.0-standalone.html
    :alt: License: LGPL-3

|badge1| |badge2|
"""


def markdown_to_rst(text):
    """The fragments use paragraphs, **bold**, `code` and "- " lists; only code differs."""
    return re.sub(r"(?<!`)`([^`]+)`(?!`)", r"``\1``", text).strip() + "\n"


def fragment(addon, name):
    return markdown_to_rst((addon / "readme" / name).read_text(encoding="utf-8"))


def titled(title, body, underline="="):
    return f"{title}\n{underline * len(title)}\n\n{body}"


def render(addon):
    name = ast.literal_eval((addon / "__manifest__.py").read_text(encoding="utf-8"))[
        "name"
    ]
    header = HEADER.format(name=name, rule="=" * len(name))
    parts = [
        header,
        fragment(addon, "DESCRIPTION.md"),
        "**Table of contents**\n\n.. contents::\n   :local:\n",
    ]
    parts += [
        titled(title, fragment(addon, name))
        for name, title in SECTIONS
        if (addon / "readme" / name).exists()
    ]
    credits = titled("Authors", "- carpass_odoo contributors\n", "-") + "\n"
    credits += titled("Contributors", fragment(addon, "CONTRIBUTORS.md"), "-")
    parts.append(titled("Credits", credits))
    return "\n".join(parts)


def main(argv):
    stale = []
    for addon in sorted(
        path.parent.parent for path in REPO.glob("*/readme/DESCRIPTION.md")
    ):
        target = addon / "README.rst"
        wanted = render(addon)
        if "--check" not in argv:
            target.write_text(wanted, encoding="utf-8")
        elif not target.exists() or target.read_text(encoding="utf-8") != wanted:
            stale.append(target)
    for target in stale:
        print(
            f"{target} is out of date: run python scripts/readme_rst.py",
            file=sys.stderr,
        )
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
