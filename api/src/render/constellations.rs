//! Constellation plans as GeoJSON (for a map) and as a readable table.

use std::fmt::Write as _;

use optimiser::constellations::Formation;
use optimiser::dataset::Dataset;
use serde_json::{json, Value};

fn point(data: &Dataset, id: &str, properties: Value) -> Option<Value> {
    let p = &data.places()[data.place_index(id)?];
    Some(json!({
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [p.location.lon, p.location.lat]},
        "properties": properties,
    }))
}

/// The formation as a GeoJSON FeatureCollection (coordinates `[lon, lat]`):
/// a Point per hub (`role: "hub"`), satellite (`role: "satellite"`, with its
/// `hub`) and household left outside (`role: "outside"`, with its `reason`),
/// and a LineString per hub–satellite link (`hub`, `satellite`, `km`).
pub fn geojson(data: &Dataset, f: &Formation) -> Value {
    let mut features = Vec::new();
    let loc = |id: &str| {
        data.place_index(id)
            .map(|p| data.places()[p].location)
            .map(|l| [l.lon, l.lat])
    };
    for c in &f.constellations {
        features.extend(point(
            data,
            &c.hub,
            json!({"carer": c.hub, "role": "hub", "hub": c.hub, "satellites": c.satellites.len(),
                   "mean_km": c.mean_km, "max_km": c.max_km}),
        ));
        for s in &c.satellites {
            features.extend(point(
                data,
                s,
                json!({"carer": s, "role": "satellite", "hub": c.hub}),
            ));
            if let (Some(a), Some(b)) = (loc(&c.hub), loc(s)) {
                let km = data
                    .place_index(&c.hub)
                    .zip(data.place_index(s))
                    .map(|(h, j)| {
                        data.places()[h]
                            .location
                            .distance_km(&data.places()[j].location)
                    });
                features.push(json!({
                    "type": "Feature",
                    "geometry": {"type": "LineString", "coordinates": [a, b]},
                    "properties": {"hub": c.hub, "satellite": s, "km": km},
                }));
            }
        }
    }
    for o in &f.outside {
        features.extend(point(
            data,
            &o.carer,
            json!({"carer": o.carer, "role": "outside", "reason": o.reason}),
        ));
    }
    json!({"type": "FeatureCollection", "features": features})
}

/// A readable summary, one line per constellation, and the outside counts by reason.
pub fn table(f: &Formation) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "status {}  objective {:.2}  bound {:.2}  gap {:.4}%  solve {:.0} ms",
        super::table::name(&f.status),
        f.objective,
        f.bound,
        f.gap * 100.0,
        f.solve_ms
    );
    let _ = writeln!(
        s,
        "{} new constellations, {} kept; coverage {:.1}% ({} of {} households)\n",
        f.constellations.len(),
        f.kept.len(),
        f.coverage * 100.0,
        f.covered,
        f.households
    );
    let _ = writeln!(
        s,
        "{:<12} {:>10} {:>8} {:>8} {:>7}  ages",
        "hub", "satellites", "mean km", "max km", "places"
    );
    for c in &f.constellations {
        let ages: Vec<String> = c
            .age_ranges
            .iter()
            .map(|r| format!("{}–{}", r.min, r.max))
            .collect();
        let _ = writeln!(
            s,
            "{:<12} {:>10} {:>8.2} {:>8.2} {:>7}  {}",
            c.hub,
            c.satellites.len(),
            c.mean_km,
            c.max_km,
            c.places,
            ages.join(", ")
        );
    }
    let mut reasons: Vec<(String, usize)> = Vec::new();
    for o in &f.outside {
        let r = super::table::name(&o.reason);
        match reasons.iter_mut().find(|(n, _)| *n == r) {
            Some((_, c)) => *c += 1,
            None => reasons.push((r, 1)),
        }
    }
    let _ = writeln!(s, "\n{} households outside", f.outside.len());
    for (r, c) in reasons {
        let _ = writeln!(s, "  {r}: {c}");
    }
    s
}
