#!/usr/bin/env python3
"""Builds data/region/{authorities,schools,homes}.csv from the public extracts in
../shared/data (see data/SOURCES.md). Standard library only.

Usage: python3 scripts/build_region.py [SHARED_DATA_DIR]   (default ../shared/data)
"""
import csv
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "data")
OUT = os.path.join(ROOT, "data", "region")

# GSS code -> household spread (km, standard deviation around the centroid).
SPREAD_KM = {
    "E06000044": 3.0,   # Portsmouth
    "E06000045": 3.5,   # Southampton
    "E10000014": 22.0,  # Hampshire
    "E06000046": 7.0,   # Isle of Wight
    "E10000032": 18.0,  # West Sussex
}

def main():
    centroids = {}
    with open(os.path.join(SHARED, "geography", "england_utla_2023_centroids.csv"), newline="") as f:
        for row in csv.DictReader(f):
            if row["code"] in SPREAD_KM:
                centroids[row["code"]] = row
    cla = {}
    with open(os.path.join(SHARED, "la_summary_2025.csv"), newline="") as f:
        for row in csv.DictReader(f):
            if row["new_la_code"] in SPREAD_KM:
                cla[row["new_la_code"]] = row
    missing = set(SPREAD_KM) - set(centroids) - set()
    missing |= set(SPREAD_KM) - set(cla)
    if missing:
        sys.exit(f"missing authorities in the sources: {sorted(missing)}")
    os.makedirs(OUT, exist_ok=True)
    names = {}
    with open(os.path.join(OUT, "authorities.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "name", "lat", "lon", "spread_km", "weight"])
        for code, spread in SPREAD_KM.items():
            c = centroids[code]
            names[cla[code]["la_name"]] = code
            w.writerow([code, c["name"], c["centroid_lat"], c["centroid_lon"], spread, int(cla[code]["cla_31mar_2025"])])
    kept = 0
    with open(os.path.join(SHARED, "schools", "schools_se_focus_2017_partial.csv"), newline="") as f, \
         open(os.path.join(OUT, "schools.csv"), "w", newline="") as out:
        w = csv.writer(out, lineterminator="\n")
        w.writerow(["id", "name", "lat", "lon", "authority"])
        # Nursery schools are left out: the generator gives a school to children aged 5-16.
        rows = [r for r in csv.DictReader(f)
                if r["la_name"] in names and r["lat"].strip() and r["lon"].strip() and r["phase"] != "Nursery"]
        rows.sort(key=lambda r: (names[r["la_name"]], int(r["urn"])))
        for r in rows:
            w.writerow([r["urn"], r["name"].strip(), r["lat"], r["lon"], names[r["la_name"]]])
            kept += 1
    # Children's homes: Ofsted providers at 31 March 2023, active, in these
    # authorities, not short-break-only. Ofsted redacts homes' addresses, so
    # only the URN, the authority and the registered places are real.
    homes = 0
    with open(os.path.join(SHARED, "ofsted", "ofsted_csc_providers_at_2023_03_31.csv"), newline="",
              encoding="utf-8", errors="replace") as f, \
         open(os.path.join(OUT, "homes.csv"), "w", newline="") as out:
        for _ in range(3):
            next(f)  # three title lines
        w = csv.writer(out, lineterminator="\n")
        w.writerow(["id", "authority", "beds"])
        rows = [r for r in csv.DictReader(f)
                if r.get("Provision type") == "Children's home" and r.get("Registration status") == "Active"
                and r.get("Local authority") in names and (r.get("Short-break-only children's home") or "").strip().lower() != "yes"
                and (r.get("Places") or "").strip().isdigit() and int(r["Places"]) > 0]
        rows.sort(key=lambda r: (names[r["Local authority"]], r["URN"]))
        for r in rows:
            w.writerow([r["URN"], names[r["Local authority"]], int(r["Places"])])
            homes += 1
    print(f"wrote {len(SPREAD_KM)} authorities, {kept} schools and {homes} children's homes to {OUT}")

if __name__ == "__main__":
    main()
