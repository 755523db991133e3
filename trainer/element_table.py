#!/usr/bin/python3
"""Writes trainer/element_properties.json: physical facts per element (Z = 1..118) from pymatgen's periodic
table (Debian's python3-pymatgen 2022.11; its data come from WebElements, CRC and the other sources pymatgen
cites), for the element features of cft_model.CftModel. The table is committed, so training does not need
pymatgen; rerun this only to change the list of properties.

  /usr/bin/python3 trainer/element_table.py
"""
import json
import math
import os
import warnings

from pymatgen.core.periodic_table import Element

PROPERTIES = ["row", "group", "electronegativity", "atomic_radius", "average_ionic_radius", "ionization_energy",
              "electron_affinity", "mendeleev_number", "atomic_mass_log", "valence_s", "valence_p", "valence_d",
              "valence_f", "block_s", "block_p", "block_d", "block_f"]


def facts(z):
    e = Element.from_Z(z)

    def number(get):
        try:
            value = float(get())
            return value if math.isfinite(value) else None
        except Exception:  # pymatgen raises or returns 'no data' strings for unknown values
            return None

    shells = {"s": 0, "p": 0, "d": 0, "f": 0}
    try:
        # Electrons outside the noble-gas core, by subshell.
        core = Element.from_Z(max(n for n in (2, 10, 18, 36, 54, 86) if n < z)) if z > 2 else None
        inner = {(n, l) for n, l, _ in core.full_electronic_structure} if core else set()
        for n, l, count in e.full_electronic_structure:
            if (n, l) not in inner:
                shells[l] += count
    except Exception:
        pass
    block = e.block
    return [number(lambda: e.row), number(lambda: e.group), number(lambda: e.X), number(lambda: e.atomic_radius),
            number(lambda: e.average_ionic_radius) or None, number(lambda: e.ionization_energy),
            number(lambda: e.electron_affinity), number(lambda: e.mendeleev_no), number(lambda: math.log(float(e.atomic_mass))),
            shells["s"], shells["p"], shells["d"], shells["f"],
            float(block == "s"), float(block == "p"), float(block == "d"), float(block == "f")]


def main():
    warnings.simplefilter("ignore")
    table = {str(z): facts(z) for z in range(1, 119)}
    doc = {"source": "pymatgen 2022.11.7 (Debian python3-pymatgen) periodic_table.json; null = no data",
           "properties": PROPERTIES, "elements": table}
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "element_properties.json")
    with open(path, "w") as f:
        json.dump(doc, f, indent=0)
    missing = sum(v is None for row in table.values() for v in row)
    print(f"element_table: wrote {path} ({len(table)} elements x {len(PROPERTIES)} properties, {missing} missing values)")


if __name__ == "__main__":
    main()
