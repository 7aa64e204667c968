//! Locations, great-circle distances and the spatial index over places.
//!
//! Distances are haversine great-circle distances on a sphere of mean Earth
//! radius [`EARTH_RADIUS_KM`] (computed by the `geo` crate). The index stores
//! each place as a point on that sphere in 3-D (x, y, z); the straight-line
//! (chord) distance between two such points is a strictly increasing function
//! of the great-circle distance (`chord = 2R·sin(d / 2R)`), so rstar's
//! nearest-first order and radius queries are exact for great-circle distance.

use geo::{Distance, HaversineMeasure, Point};
use rstar::{primitives::GeomWithData, RTree};

/// Mean Earth radius used for every distance, in km (IUGG, as the contract says).
pub const EARTH_RADIUS_KM: f64 = 6371.0088;

const HAVERSINE: HaversineMeasure = HaversineMeasure::new(EARTH_RADIUS_KM * 1000.0);

/// A WGS84 position in degrees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Location {
    /// Latitude in degrees.
    pub lat: f64,
    /// Longitude in degrees.
    pub lon: f64,
}

impl Location {
    /// A location from degrees; the caller vouches that they are in range
    /// (validation checks input before building one).
    pub const fn new_unchecked(lat: f64, lon: f64) -> Self {
        Location { lat, lon }
    }

    /// Great-circle (haversine) distance in km.
    ///
    /// ```
    /// use optimiser::geography::Location;
    /// let portsmouth = Location::new_unchecked(50.8198, -1.0880);
    /// let southampton = Location::new_unchecked(50.9097, -1.4044);
    /// let d = portsmouth.distance_km(&southampton);
    /// assert!((d - 24.4).abs() < 0.5);
    /// ```
    pub fn distance_km(&self, other: &Location) -> f64 {
        HAVERSINE.distance(self.point(), other.point()) / 1000.0
    }

    fn point(&self) -> Point<f64> {
        Point::new(self.lon, self.lat)
    }

    /// The location as a point on the sphere of radius [`EARTH_RADIUS_KM`].
    fn cartesian(&self) -> [f64; 3] {
        let (lat, lon) = (self.lat.to_radians(), self.lon.to_radians());
        [
            EARTH_RADIUS_KM * lat.cos() * lon.cos(),
            EARTH_RADIUS_KM * lat.cos() * lon.sin(),
            EARTH_RADIUS_KM * lat.sin(),
        ]
    }
}

/// Chord length for a great-circle distance of `km`.
fn chord_for(km: f64) -> f64 {
    let half_angle = (km / (2.0 * EARTH_RADIUS_KM)).min(std::f64::consts::FRAC_PI_2);
    2.0 * EARTH_RADIUS_KM * half_angle.sin()
}

/// An R*-tree over indexed locations (places, in practice).
pub struct SpatialIndex {
    tree: RTree<GeomWithData<[f64; 3], usize>>,
}

impl SpatialIndex {
    /// Indexes `locations`; item `k` is reported as index `k`.
    pub fn new<'a>(locations: impl IntoIterator<Item = &'a Location>) -> Self {
        let items = locations
            .into_iter()
            .enumerate()
            .map(|(k, l)| GeomWithData::new(l.cartesian(), k))
            .collect();
        SpatialIndex {
            tree: RTree::bulk_load(items),
        }
    }

    /// Indices of the locations within `km` of `from` (great-circle), in no particular order.
    /// A tiny tolerance keeps points at exactly `km` inside; callers re-check with
    /// [`Location::distance_km`] where the boundary matters.
    pub fn within(&self, from: &Location, km: f64) -> impl Iterator<Item = usize> + '_ {
        let r = chord_for(km) + 1e-9;
        self.tree
            .locate_within_distance(from.cartesian(), r * r)
            .map(|g| g.data)
    }

    /// Indices of all locations, nearest to `from` first, each with its
    /// great-circle distance recovered from the chord (`2R·asin(c / 2R)`):
    /// equal to [`Location::distance_km`] up to rounding (about 1e-9 km), so
    /// fit for search bounds, not for costs. Cheaper than the haversine.
    pub fn nearest_with_km(&self, from: &Location) -> impl Iterator<Item = (usize, f64)> + '_ {
        self.tree
            .nearest_neighbor_iter_with_distance_2(&from.cartesian())
            .map(|(g, chord2)| {
                let half = (chord2.sqrt() / (2.0 * EARTH_RADIUS_KM)).min(1.0);
                (g.data, 2.0 * EARTH_RADIUS_KM * half.asin())
            })
    }

    /// Indices of all locations, nearest to `from` first.
    pub fn nearest(&self, from: &Location) -> impl Iterator<Item = usize> + '_ {
        self.tree
            .nearest_neighbor_iter(&from.cartesian())
            .map(|g| g.data)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn haversine_matches_hand_computation() {
        // One degree of latitude along a meridian is R·π/180.
        let a = Location::new_unchecked(50.0, -1.0);
        let b = Location::new_unchecked(51.0, -1.0);
        let expected = EARTH_RADIUS_KM * std::f64::consts::PI / 180.0;
        assert!((a.distance_km(&b) - expected).abs() < 1e-9);
        assert_eq!(a.distance_km(&a), 0.0);
    }

    #[test]
    fn index_radius_and_nearest_agree_with_haversine() {
        let locs: Vec<Location> = (0..200)
            .map(|k| {
                Location::new_unchecked(
                    50.5 + (k % 20) as f64 * 0.03,
                    -1.6 + (k / 20) as f64 * 0.05,
                )
            })
            .collect();
        let index = SpatialIndex::new(&locs);
        let from = Location::new_unchecked(50.8, -1.3);
        let mut within: Vec<usize> = index.within(&from, 12.0).collect();
        within.sort();
        let brute: Vec<usize> = (0..locs.len())
            .filter(|&k| from.distance_km(&locs[k]) <= 12.0)
            .collect();
        assert_eq!(within, brute);
        let order: Vec<f64> = index
            .nearest(&from)
            .map(|k| from.distance_km(&locs[k]))
            .collect();
        assert_eq!(order.len(), locs.len());
        assert!(order.windows(2).all(|w| w[0] <= w[1] + 1e-9));
        for (k, km) in index.nearest_with_km(&from) {
            assert!((km - from.distance_km(&locs[k])).abs() < 1e-8);
        }
    }
}
