//! Rates recovered from synthetic extracts drawn with known rates, and the
//! estimator's counts on hand-computed histories.

use super::*;

fn ep(start: f64, end: Option<f64>, rs: EpisodeStart, re: EpisodeEnd, kind: CareKind) -> Episode {
    Episode {
        start,
        end,
        reason_start: rs,
        reason_end: re,
        legal_status: "C2".into(),
        need: Need::N1,
        kind,
        place: "U4".into(),
        provider: Some("PR1".into()),
        home: None,
        placement_location: None,
        urn: None,
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6
}

#[test]
fn exposure_is_split_at_age_and_time_in_care_boundaries() {
    let h = CareHistory {
        child: "A".into(),
        sex: Sex::Female,
        age_at_origin_months: 70.0,
        episodes: vec![
            ep(
                -30.0,
                Some(-20.0),
                EpisodeStart::Started,
                EpisodeEnd::Continues,
                CareKind::InHouseFoster,
            ),
            ep(
                -20.0,
                Some(-5.0),
                EpisodeStart::Placement,
                EpisodeEnd::LeftCare("E4A".into()),
                CareKind::AgencyFoster,
            ),
        ],
    };
    let r = estimate(
        &[h],
        Window {
            start: -24.0,
            end: 0.0,
        },
    );
    use AgeBand::*;
    use CareKind::*;
    use TimeInCareBand::*;
    let cell = |b, k, t| r.exit(b, k, t).copied().unwrap_or_default();
    assert!(close(
        cell(Age1To4, InHouseFoster, Months6To23).exposure,
        4.0
    ));
    assert!(close(
        cell(Age1To4, AgencyFoster, Months6To23).exposure,
        10.0
    ));
    assert!(close(
        cell(Age5To9, AgencyFoster, Months6To23).exposure,
        4.0
    ));
    assert!(close(
        cell(Age5To9, AgencyFoster, Months24Plus).exposure,
        1.0
    ));
    assert_eq!(cell(Age5To9, AgencyFoster, Months24Plus).events, 1.0);
    assert_eq!(r.exits.iter().map(|e| e.estimate.events).sum::<f64>(), 1.0);
    assert_eq!(r.move_hazard(InHouseFoster).map(|m| m.events), Some(1.0));
    assert!(close(
        r.move_hazard(InHouseFoster).map_or(0.0, |m| m.rate),
        0.25
    ));
    assert_eq!(r.move_hazard(AgencyFoster).map(|m| m.events), Some(0.0));
    assert_eq!(
        r.entries.iter().map(|e| e.estimate.events).sum::<f64>(),
        0.0
    );
    assert!(r.entries.iter().all(|e| close(e.estimate.exposure, 24.0)));
    assert_eq!((r.children, r.left_truncated_periods), (1, 0));
}

#[test]
fn leaving_at_18_is_its_own_event_and_legal_changes_are_not_moves() {
    let h = CareHistory {
        child: "B".into(),
        sex: Sex::Male,
        age_at_origin_months: 220.0,
        episodes: vec![
            ep(
                -100.0,
                Some(-10.0),
                EpisodeStart::Started,
                EpisodeEnd::Continues,
                CareKind::InHouseFoster,
            ),
            ep(
                -10.0,
                Some(-4.0),
                EpisodeStart::LegalStatus,
                EpisodeEnd::LeftCare("E17".into()),
                CareKind::InHouseFoster,
            ),
        ],
    };
    let r = estimate(
        &[h],
        Window {
            start: -24.0,
            end: 0.0,
        },
    );
    let exposure: f64 = r.exits.iter().map(|e| e.estimate.exposure).sum();
    assert!(
        close(exposure, 19.0),
        "exposure stops at 215 months: {exposure}"
    );
    assert_eq!(r.exits.iter().map(|e| e.estimate.events).sum::<f64>(), 0.0);
    assert_eq!(
        r.move_hazard(CareKind::InHouseFoster).map(|m| m.events),
        Some(0.0)
    );
    assert_eq!((r.leaving_at_18.reached, r.leaving_at_18.left), (1.0, 1.0));
    assert_eq!(r.leaving_at_18.staying_put, Some(1.0));
}

#[test]
fn a_period_seen_from_its_middle_is_left_truncated() {
    let h = CareHistory {
        child: "C".into(),
        sex: Sex::Male,
        age_at_origin_months: 100.0,
        episodes: vec![ep(
            -50.0,
            None,
            EpisodeStart::Placement,
            EpisodeEnd::Open,
            CareKind::KinshipFoster,
        )],
    };
    let r = estimate(
        &[h],
        Window {
            start: -12.0,
            end: 0.0,
        },
    );
    assert_eq!(r.left_truncated_periods, 1);
    let total: f64 = r.exits.iter().map(|e| e.estimate.exposure).sum();
    assert!(close(total, 12.0));
}

fn params(starts_per_year: f64) -> SynthParams {
    SynthParams {
        id_prefix: "T".into(),
        months: 252.0,
        extract_months: 60.0,
        truth: TrueRates::typical(starts_per_year),
        home_districts: vec!["PO1".into(), "PO2".into()],
        placement_districts: vec!["PO1".into(), "SO14".into()],
        home_urns: vec!["SC000001".into()],
    }
}

#[test]
fn same_seed_same_extract() {
    let p = params(150.0);
    assert_eq!(generate_extract(&p, 7), generate_extract(&p, 7));
    assert_ne!(generate_extract(&p, 7), generate_extract(&p, 8));
}

#[test]
fn synthetic_histories_are_well_formed() {
    let x = generate_extract(&params(150.0), 3);
    assert!(x.children.len() > 500);
    for c in &x.children {
        let eps = &c.history.episodes;
        assert_eq!(eps[0].reason_start, EpisodeStart::Started);
        assert_eq!(eps.len(), c.placement_posts.len());
        for w in eps.windows(2) {
            assert_eq!(w[0].end, Some(w[1].start));
            assert_eq!(w[0].reason_end, EpisodeEnd::Continues);
        }
        let last = &eps[eps.len() - 1];
        assert_eq!(last.end.is_none(), last.reason_end == EpisodeEnd::Open);
        assert!(c.history.age_at_origin_months.fract() == 0.0);
        assert!(c.history.age_at(eps[0].start) >= 0.0);
    }
}

/// Every rate estimated from a large synthetic extract lies within five
/// (Poisson) standard errors `sqrt(h / E)` of the true rate `h`, for every
/// cell expected to hold at least 10 events. Five, not four: about 120 cells
/// are checked at once, and a bound of `z` standard errors fails by chance
/// with probability about `120 × P(|Z| > z)` — 0.8 % at 4 (this seed has one
/// cell, 16–17 entries with need N8, at 4.4; seeds 1–4 have none above 2.7),
/// 7e-5 at 5 (Bonferroni).
#[test]
fn estimates_recover_the_true_rates() {
    let p = params(3000.0);
    let truth = &p.truth;
    let x = generate_extract(&p, 2026);
    let histories: Vec<CareHistory> = x.children.into_iter().map(|c| c.history).collect();
    let window = Window {
        start: -60.0,
        end: 0.0,
    };
    let r = estimate(&histories, window);
    let within = |what: String, est: &Entry, h: f64| {
        let se = (h / est.exposure).sqrt();
        assert!(
            (est.rate - h).abs() <= 5.0 * se,
            "{what}: estimated {} ({} events / {} exposure), true {h}, 5 SE = {}",
            est.rate,
            est.events,
            est.exposure,
            5.0 * se
        );
        // The bound is informative: a 20 % error would be caught.
        if h * est.exposure >= 625.0 {
            assert!(5.0 * se <= 0.2 * h, "{what}: bound too loose");
        }
    };
    let mut checked = 0;
    for e in &r.exits {
        let (Some(b), Some(k), Some(t)) = (e.age_band, e.kind, e.time_in_care) else {
            panic!("an extract's exits have every key")
        };
        let h = truth.exit(b, k, t);
        if h * e.estimate.exposure >= 10.0 {
            within(format!("exit {b:?} {k:?} {t:?}"), &e.estimate, h);
            checked += 1;
        }
    }
    assert!(checked >= 40, "only {checked} exit cells checked");
    for m in &r.moves {
        let Some(k) = m.kind else { panic!("kind") };
        let h = truth.move_hazard(k);
        if h * m.estimate.exposure >= 10.0 {
            within(format!("move {k:?}"), &m.estimate, h);
            checked += 1;
        }
    }
    for e in &r.entries {
        let (Some(b), Some(n)) = (e.age_band, e.need) else {
            panic!("keys")
        };
        let h = truth.entry(b, n);
        if h * e.estimate.exposure >= 10.0 {
            within(format!("entry {b:?} {n:?}"), &e.estimate, h);
            checked += 1;
        }
    }
    assert!(checked >= 70, "only {checked} cells checked");
    // Staying put: a binomial share.
    let l = &r.leaving_at_18;
    let share = l.staying_put.unwrap_or(0.0) / l.left;
    let se = (truth.staying_put_share * (1.0 - truth.staying_put_share) / l.left).sqrt();
    assert!(
        (share - truth.staying_put_share).abs() <= 4.0 * se,
        "staying put {share}"
    );
    assert!(l.left <= l.reached && l.left >= 0.95 * l.reached, "{l:?}");
}

#[test]
fn cohort_counts_months_in_placement_across_legal_changes() {
    let mut second = ep(
        -10.0,
        None,
        EpisodeStart::LegalStatus,
        EpisodeEnd::Open,
        CareKind::ChildrensHome,
    );
    second.urn = Some("SC1".into());
    let mut first = ep(
        -30.0,
        Some(-10.0),
        EpisodeStart::Placement,
        EpisodeEnd::Continues,
        CareKind::ChildrensHome,
    );
    first.urn = Some("SC1".into());
    let h = CareHistory {
        child: "D".into(),
        sex: Sex::Female,
        age_at_origin_months: 150.4,
        episodes: vec![
            ep(
                -40.0,
                Some(-30.0),
                EpisodeStart::Started,
                EpisodeEnd::Continues,
                CareKind::AgencyFoster,
            ),
            first,
            second,
        ],
    };
    let gone = CareHistory {
        child: "E".into(),
        sex: Sex::Male,
        age_at_origin_months: 60.0,
        episodes: vec![ep(
            -40.0,
            Some(-3.0),
            EpisodeStart::Started,
            EpisodeEnd::LeftCare("E4A".into()),
            CareKind::KinshipFoster,
        )],
    };
    let c = cohort_at(
        &[h.clone(), gone],
        0.0,
        "E06000044",
        &|id| id == "SC1",
        &weekly_cost,
    );
    assert_eq!(c.children.len(), 1);
    let k = &c.children[0];
    assert_eq!(
        (k.age_months, k.months_in_placement, k.months_in_care),
        (150, 30.0, 40.0)
    );
    assert_eq!(k.placement, CurrentPlacement::Place { id: "SC1".into() });
    let c = cohort_at(&[h], 0.0, "E06000044", &|_| false, &weekly_cost);
    assert_eq!(
        c.children[0].placement,
        CurrentPlacement::External {
            kind: CareKind::ChildrensHome,
            weekly_cost: 3830.0
        }
    );
}

fn portsmouth() -> DfeAuthority {
    let year = |year, looked_after, starts, ceases| DfeYear {
        year,
        looked_after,
        starts,
        ceases,
        placement_changes: Some(262.0),
        aged_16_plus: Some(100.0),
    };
    DfeAuthority {
        gss: "E06000044".into(),
        name: "Portsmouth".into(),
        years: vec![
            year(2023, 388.0, 153.0, 157.0),
            year(2024, 402.0, 168.0, 156.0),
            year(2025, 402.0, 157.0, 158.0),
        ],
        age_bands: [16.0, 56.0, 81.0, 140.0, 109.0],
        sex: [231.0, 171.0],
        needs: [302.0, 0.0, 12.0, 14.0, 25.0, 0.0, 0.0, 41.0],
        kinds: [59.0, 125.0, 126.0, 1.0, 29.0, 10.0, 52.0],
        centroid: None,
    }
}

#[test]
fn dfe_rates_are_counts_over_mean_stock() {
    let a = portsmouth();
    let r = Rates::from_dfe(&a, 2024, 2025).expect("years in range");
    assert_eq!(r.source, RatesSource::DfeAggregate);
    let exposure = (388.0 + 402.0) / 2.0 * 12.0 + 402.0 * 12.0;
    assert!(close(r.exits[0].estimate.exposure, exposure));
    // Ceases less those turning 18 (half of 100 aged 16+, each year).
    assert!(close(r.exits[0].estimate.events, 314.0 - 100.0));
    assert!(close(r.entries[0].estimate.rate, (168.0 + 157.0) / 24.0));
    assert!(close(r.moves[0].estimate.events, 524.0));
    assert!(close(r.leaving_at_18.reached, 100.0));
    assert_eq!(r.children, 402);
    assert!(Rates::from_dfe(&a, 2030, 2031).is_none());
}

#[test]
fn dfe_cohort_has_the_published_size_and_is_seeded() {
    let a = portsmouth();
    let r = Rates::from_dfe(&a, 2023, 2025).expect("years");
    let c = synthesise_cohort(&a, &r, 1);
    assert_eq!(c.children.len(), 402);
    assert_eq!(c, synthesise_cohort(&a, &r, 1));
    assert!(c
        .children
        .iter()
        .all(|k| k.age_months < 216 && k.months_in_care <= f64::from(k.age_months)));
    assert!(c
        .children
        .iter()
        .all(|k| k.need != Need::N2 && k.months_in_placement <= k.months_in_care));
    let boys = c.children.iter().filter(|k| k.sex == Sex::Male).count() as f64;
    // Binomial: 231/402 boys, within 4 standard errors.
    let p = 231.0 / 402.0;
    assert!((boys / 402.0 - p).abs() <= 4.0 * (p * (1.0 - p) / 402.0).sqrt());
}
