#!/usr/bin/env python3
"""Makes the dashboard's icon font: Material Symbols Outlined cut down to the icons its sources use.

The material-symbols package ships a 4 MB variable font with ~3,800 icons, each reached through a
ligature ('search' typed in the font becomes the magnifier). A plain subset by characters keeps
them all (every ligature's letters are kept), so this script drops the ligatures of unused icons
first, then subsets to the used icons' glyphs and the letters that spell them, at one instance of
the variable axes (FILL 0, weight 400, GRAD 0, optical size 24: what the dashboard draws).

Needs fonttools and brotli (pip install fonttools brotli). The output is committed, so builds and
CI do not need Python: scripts/icon-names.test.ts fails when a source names an icon the committed
subset lacks, and says to run this again:

    python3 scripts/subset-icons.py
"""
import json
import os
import subprocess

from fontTools.subset import Options, Subsetter
from fontTools.ttLib import TTFont
from fontTools.varLib.instancer import instantiateVariableFont

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCE = os.path.join(ROOT, 'node_modules/material-symbols/material-symbols-outlined.woff2')
OUT_FONT = os.path.join(ROOT, 'apps/dashboard/public/fonts/material-symbols-outlined.woff2')
OUT_LIST = os.path.join(ROOT, 'apps/dashboard/src/icons.json')


def used_names():
    node = os.path.join(ROOT, 'node_modules/.bin/node')
    out = subprocess.run([node, 'scripts/icon-names.ts'], cwd=ROOT, check=True, capture_output=True, text=True)
    return set(json.loads(out.stdout))


def ligature_tables(font):
    """Every LigatureSubst subtable of GSUB, through Extension lookups too."""
    for lookup in font['GSUB'].table.LookupList.Lookup:
        for sub in lookup.SubTable:
            if sub.__class__.__name__ == 'ExtensionSubst':
                sub = sub.ExtSubTable
            if sub.__class__.__name__ == 'LigatureSubst':
                yield sub


def main():
    wanted = used_names()
    font = TTFont(SOURCE)
    char_of = {glyph: chr(code) for code, glyph in font.getBestCmap().items()}

    # Ligature name ('search') -> the icon glyph it makes; drop every ligature not wanted.
    found = {}
    for table in ligature_tables(font):
        for first, ligatures in list(table.ligatures.items()):
            kept = []
            for lig in ligatures:
                glyphs = [first, *lig.Component]
                name = ''.join(char_of.get(g, '\0') for g in glyphs)
                if name in wanted:
                    kept.append(lig)
                    found[name] = lig.LigGlyph
            if kept:
                table.ligatures[first] = kept
            else:
                del table.ligatures[first]

    names = sorted(found)
    letters = sorted({c for name in names for c in name})
    font = instantiateVariableFont(font, {'FILL': 0, 'wght': 400, 'GRAD': 0, 'opsz': 24})

    options = Options()
    options.flavor = 'woff2'
    options.layout_features = ['rlig', 'liga', 'rclt']
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6]
    options.notdef_outline = True
    subsetter = Subsetter(options)
    subsetter.populate(glyphs=[found[n] for n in names], unicodes=[ord(c) for c in letters])
    subsetter.subset(font)

    os.makedirs(os.path.dirname(OUT_FONT), exist_ok=True)
    font.save(OUT_FONT)
    # Words the sources' icon lines hold that name no icon: listed so the test can tell a new icon
    # (missing from the subset) from a word already judged.
    with open(OUT_LIST, 'w') as f:
        json.dump({'icons': names, 'notIcons': sorted(wanted - set(names))}, f, indent=2)
        f.write('\n')
    print(f'{len(names)} icons, {os.path.getsize(OUT_FONT)} bytes -> {os.path.relpath(OUT_FONT, ROOT)}')


if __name__ == '__main__':
    main()
