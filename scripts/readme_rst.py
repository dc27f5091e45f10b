# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Write carpass_odoo/README.rst from the readme/ fragments, in OCA's generated layout.

OCA generates README.rst with ``oca-gen-addon-readme`` (maintainer-tools), which is not
published on the package index; this does the same for the fragments this addon has.
``--check`` exits 1 when README.rst is not what the fragments give (run by scripts/lint.sh).

    python scripts/readme_rst.py [--check]
"""

import re
import sys
from pathlib import Path

ADDON = Path(__file__).resolve().parent.parent / "carpass_odoo"
# (fragment, section title); DESCRIPTION has no title, as in OCA's layout.
SECTIONS = (("CONFIGURE.md", "Configuration"), ("USAGE.md", "Usage"))
HEADER = """\
========
Car-Pass
========

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


def fragment(name):
    return markdown_to_rst((ADDON / "readme" / name).read_text(encoding="utf-8"))


def titled(title, body, underline="="):
    return f"{title}\n{underline * len(title)}\n\n{body}"


def render():
    parts = [
        HEADER,
        fragment("DESCRIPTION.md"),
        "**Table of contents**\n\n.. contents::\n   :local:\n",
    ]
    parts += [titled(title, fragment(name)) for name, title in SECTIONS]
    credits = titled("Authors", "- carpass_odoo contributors\n", "-") + "\n"
    credits += titled("Contributors", fragment("CONTRIBUTORS.md"), "-")
    parts.append(titled("Credits", credits))
    return "\n".join(parts)


def main(argv):
    target = ADDON / "README.rst"
    wanted = render()
    if "--check" in argv:
        if target.read_text(encoding="utf-8") != wanted:
            print(
                f"{target} is out of date: run python scripts/readme_rst.py",
                file=sys.stderr,
            )
            return 1
        return 0
    target.write_text(wanted, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
