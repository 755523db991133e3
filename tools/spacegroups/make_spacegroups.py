#!/usr/bin/env python3
"""Regenerates spacegroups.json from spglib's database of the 530 Hall settings.

Usage (Debian 12):  apt-get install -y python3-spglib
                    /usr/bin/python3 tools/spacegroups/make_spacegroups.py > spacegroups.json

Every entry lists ALL operations of the conventional cell (centring included) as integer
rotations (rows, acting on fractional column vectors: x -> R x + t) and translations as exact
fractions in [0, 1). The ITA standard setting of each IT number is flagged "standard": origin
choice 2 where two origins exist, hexagonal axes for R groups, the first spglib setting otherwise
(unique axis b, cell choice 1 for monoclinic; abc for orthorhombic).
"""
import json
import sys
from fractions import Fraction

import spglib

SYSTEMS = [(2, "triclinic"), (15, "monoclinic"), (74, "orthorhombic"), (142, "tetragonal"),
           (167, "trigonal"), (194, "hexagonal"), (230, "cubic")]
AXES = "abc"


def crystal_system(number):
    return next(name for last, name in SYSTEMS if number <= last)


def exact_fraction(value):
    # spglib encodes translations in twelfths; recover them exactly and reduce mod 1.
    twelfths = round(value * 12)
    if abs(value * 12 - twelfths) > 1e-9:
        raise ValueError(f"translation {value} is not a multiple of 1/12")
    return Fraction(twelfths % 12, 12)


def fraction_text(f):
    return "0" if f == 0 else f"{f.numerator}/{f.denominator}"


def e_glide_aliases(symbol):
    """Old names of the e-glide symbols (Cmce -> Cmca and Cmcb, Aem2 -> Abm2 and Acm2, ...)."""
    tokens = symbol.split()
    if len(tokens) != 4 or not any("e" in tok for tok in tokens[1:]):
        return []
    variants = [[tokens[0]]]
    for axis, token in enumerate(tokens[1:]):
        options = [token]
        if "e" in token:
            options = [token.replace("e", letter) for letter in AXES if letter != AXES[axis]]
        variants = [v + [o] for v in variants for o in options]
    return [" ".join(v) for v in variants]


def monoclinic_short(symbol):
    """'P 1 2_1/n 1' -> 'P 2_1/n' (the short form users write; unique axis b wins ties by file order)."""
    tokens = symbol.split()
    if len(tokens) != 4:
        return []
    rest = [t for t in tokens[1:] if t != "1"]
    return [tokens[0] + " " + rest[0]] if len(rest) == 1 else []


def old_cubic(symbol):
    """Pre-1983 cubic symbols without the bar on 3: 'Fd-3m' -> 'Fd3m', 'Pa-3' -> 'Pa3'."""
    return [symbol.replace("-3", "3")] if "-3" in symbol else []


def standard_hall_numbers():
    by_number = {}
    for hall in range(1, 531):
        t = spglib.get_spacegroup_type(hall)
        by_number.setdefault(t["number"], []).append((hall, t["choice"]))
    chosen = {}
    for number, entries in by_number.items():
        preferred = [h for h, c in entries if c in ("2", "H")]
        chosen[number] = preferred[0] if preferred else entries[0][0]
    return set(chosen.values())


def main():
    standard = standard_hall_numbers()
    entries = []
    for hall in range(1, 531):
        t = spglib.get_spacegroup_type(hall)
        sym = spglib.get_symmetry_from_database(hall)
        names = [part.strip() for part in t["international"].split("=")]
        setting_symbol = t["international_full"] if t["number"] <= 15 else names[-1]
        aliases = []
        extra = e_glide_aliases(setting_symbol)
        if t["number"] <= 15:
            extra += monoclinic_short(setting_symbol)
        if t["number"] >= 195:
            extra += old_cubic(t["international_short"]) + old_cubic(t["international_full"])
        for name in names + [t["international_short"], t["international_full"]] + extra:
            if name not in aliases and name != setting_symbol:
                aliases.append(name)
        ops = []
        for rot, trans in zip(sym["rotations"], sym["translations"]):
            ops.append({"r": [[int(v) for v in row] for row in rot],
                        "t": [fraction_text(exact_fraction(v)) for v in trans]})
        hall_symbol = t["hall_symbol"]
        entries.append({
            "hall_number": hall,
            "number": t["number"],
            "hm": t["international_short"],
            "hm_setting": setting_symbol,
            "hall": hall_symbol,
            "setting": t["choice"],
            "standard": hall in standard,
            "crystal_system": crystal_system(t["number"]),
            "centring": hall_symbol.lstrip("-")[0],
            "aliases": aliases,
            "operations": ops,
        })
    out = sys.stdout
    out.write("{\n")
    out.write(f'  "source": "spglib {spglib.__version__} database (spg_get_symmetry_from_database, spg_get_spacegroup_type), tools/spacegroups/make_spacegroups.py",\n')
    out.write('  "settings": [\n')
    for i, e in enumerate(entries):
        out.write("    {\n")
        keys = [k for k in e if k != "operations"]
        for k in keys:
            out.write(f"      {json.dumps(k)}: {json.dumps(e[k])},\n")
        out.write('      "operations": [\n')
        for j, op in enumerate(e["operations"]):
            comma = "," if j + 1 < len(e["operations"]) else ""
            out.write(f'        {{"r": {json.dumps(op["r"])}, "t": {json.dumps(op["t"])}}}{comma}\n')
        out.write("      ]\n")
        out.write("    }" + ("," if i + 1 < len(entries) else "") + "\n")
    out.write("  ]\n}\n")


if __name__ == "__main__":
    main()
