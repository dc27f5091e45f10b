#!/usr/bin/env python3
# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Translations of carpass_odoo: check them, or merge a fresh template into them.

check (default): fail when a term of i18n/carpass_odoo.pot is missing, untranslated or
fuzzy in nl.po or fr.po, when a translation changes the placeholders, and, given an
Odoo config and a database where the addon is installed, when the .pot is stale, i.e.
a fresh export from that database has other terms.

merge: rewrite nl.po and fr.po from the .pot, keeping the existing translations of the
terms that remain (new terms come in untranslated, vanished ones are dropped).

Only needs polib (in Odoo's requirements); the export runs odoo-bin from ODOO_SRC.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
ADDON = "carpass_odoo"
I18N = ROOT / ADDON / "i18n"
POT = I18N / f"{ADDON}.pot"
LANGUAGES = {
    "nl": ("Dutch (Belgium)", "nplurals=2; plural=(n != 1);"),
    "fr": ("French (Belgium)", "nplurals=2; plural=(n > 1);"),
}
# Named and positional printf placeholders, as Python and the web client fill them.
PLACEHOLDER = re.compile(r"%\([A-Za-z_][A-Za-z0-9_]*\)[sdfr]|%[sdfr]")
# Odoo's web client also fills {{ name }} in some templates.
BRACE_PLACEHOLDER = re.compile(r"\{\{\s*[^}]+?\s*\}\}")


def placeholders(text):
    found = PLACEHOLDER.findall(text) + BRACE_PLACEHOLDER.findall(text)
    named = sorted(item for item in found if not re.fullmatch(r"%[sdfr]", item))
    positional = [item for item in found if re.fullmatch(r"%[sdfr]", item)]
    return named, positional


def po_path(language):
    return I18N / f"{language}.po"


def load(path):
    if not path.exists():
        raise SystemExit(f"i18n: {path.relative_to(ROOT)} does not exist")
    return polib.pofile(str(path), wrapwidth=78)


def live_entries(catalog):
    return [entry for entry in catalog if not entry.obsolete and entry.msgid]


def check_catalog(pot, language):
    """Problems of one language file against the template, as readable lines."""
    catalog = load(po_path(language))
    translated = {entry.msgid: entry for entry in live_entries(catalog)}
    problems = []
    for term in live_entries(pot):
        entry = translated.get(term.msgid)
        where = f"{language}.po: {term.msgid[:70]!r}"
        if entry is None:
            problems.append(f"{where} is missing (run scripts/i18n_export.sh)")
        elif not entry.msgstr.strip():
            problems.append(f"{where} is not translated")
        elif "fuzzy" in entry.flags:
            problems.append(f"{where} is fuzzy: review and remove the flag")
        elif placeholders(entry.msgid) != placeholders(entry.msgstr):
            problems.append(
                f"{where} changes the placeholders: {placeholders(entry.msgid)} "
                f"became {placeholders(entry.msgstr)}"
            )
    extra = set(translated) - {term.msgid for term in live_entries(pot)}
    problems += [
        f"{language}.po: {msgid[:70]!r} is not in the .pot any more (run "
        "scripts/i18n_export.sh)"
        for msgid in sorted(extra)
    ]
    return problems


def export_pot(config, database, target):
    """Export the addon's terms with odoo-bin, as scripts/i18n_export.sh does."""
    odoo_bin = Path(os.environ.get("ODOO_SRC", "/opt/odoo/18.0")) / "odoo-bin"
    command = [
        sys.executable,
        str(odoo_bin),
        "-c",
        str(config),
        "-d",
        database,
        f"--i18n-export={target}",
        f"--modules={ADDON}",
        "--log-level=warn",
        "--stop-after-init",
    ]
    subprocess.run(command, check=True, cwd=ROOT)


def check_fresh(pot, config, database):
    with tempfile.TemporaryDirectory(prefix="carpass-i18n-") as tmp:
        fresh_path = Path(tmp) / f"{ADDON}.pot"
        export_pot(config, database, fresh_path)
        fresh = polib.pofile(str(fresh_path))
    committed = {entry.msgid for entry in live_entries(pot)}
    exported = {entry.msgid for entry in live_entries(fresh)}
    problems = [
        f"{ADDON}.pot lacks {msgid[:70]!r} (run scripts/i18n_export.sh)"
        for msgid in sorted(exported - committed)
    ]
    problems += [
        f"{ADDON}.pot still has {msgid[:70]!r}, gone from the code "
        "(run scripts/i18n_export.sh)"
        for msgid in sorted(committed - exported)
    ]
    return problems


def merge(pot):
    """Rewrite each language file from the template, keeping known translations."""
    for language, (team, plural_forms) in LANGUAGES.items():
        path = po_path(language)
        known = {}
        if path.exists():
            known = {
                entry.msgid: entry.msgstr
                for entry in live_entries(load(path))
                if "fuzzy" not in entry.flags
            }
        catalog = polib.POFile(wrapwidth=78)
        catalog.header = pot.header
        catalog.metadata = dict(
            pot.metadata,
            **{
                "Language": language,
                "Language-Team": team,
                "Plural-Forms": plural_forms,
                "Content-Transfer-Encoding": "8bit",
            },
        )
        untranslated = 0
        for term in live_entries(pot):
            msgstr = known.get(term.msgid, "")
            untranslated += not msgstr
            catalog.append(
                polib.POEntry(
                    msgid=term.msgid,
                    msgstr=msgstr,
                    comment=term.comment,
                    tcomment=term.tcomment,
                    occurrences=term.occurrences,
                    flags=[flag for flag in term.flags if flag != "fuzzy"],
                )
            )
        catalog.save(str(path))
        print(
            f"i18n: {path.relative_to(ROOT)}: {len(catalog)} terms, "
            f"{untranslated} to translate"
        )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "action", nargs="?", choices=("check", "merge"), default="check"
    )
    parser.add_argument("--config", help="Odoo config, to compare with a fresh export")
    parser.add_argument("--database", help="database where carpass_odoo is installed")
    args = parser.parse_args(argv)
    pot = load(POT)
    if args.action == "merge":
        merge(pot)
        return 0
    problems = []
    for language in LANGUAGES:
        problems += check_catalog(pot, language)
    if args.database:
        if not args.config:
            parser.error("--database needs --config")
        problems += check_fresh(pot, args.config, args.database)
    for problem in problems:
        print(f"i18n: {problem}", file=sys.stderr)
    if problems:
        print(f"i18n: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    terms = len(live_entries(pot))
    fresh = " and match a fresh export" if args.database else ""
    print(f"i18n: {terms} terms, translated in {', '.join(LANGUAGES)}{fresh}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
