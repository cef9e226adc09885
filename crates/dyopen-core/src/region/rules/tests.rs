//! Unit tests of the city-binding rules.

use super::*;

fn page(p: &str) -> Option<&str> {
    Some(p)
}

fn state(bindings: &[(&str, &str)]) -> RegionState {
    RegionState {
        bindings: bindings
            .iter()
            .enumerate()
            .map(|(i, (path, region))| Binding {
                data_id: i as i64,
                path: (*path).into(),
                region_id: (*region).into(),
                created_at: UnixSecs::new(0),
                modified_at: UnixSecs::new(0),
            })
            .collect(),
        changes: vec![],
    }
}

#[test]
fn add_parse_couples_bind_type_and_path() {
    assert!(matches!(
        AddBinding::parse(Some(1), Some("440300"), page("a")),
        Err(CityError::BadField("path"))
    ));
    assert!(matches!(
        AddBinding::parse(Some(2), Some("440300"), None),
        Err(CityError::BadField("path"))
    ));
    assert!(matches!(
        AddBinding::parse(Some(3), Some("440300"), None),
        Err(CityError::BadField("bind_type"))
    ));
    assert!(matches!(
        AddBinding::parse(None, Some("440300"), None),
        Err(CityError::BadField("bind_type"))
    ));
    assert!(matches!(
        AddBinding::parse(Some(1), Some("440000"), None),
        Err(CityError::BadField("region_id"))
    ));
    assert_eq!(
        AddBinding::parse(Some(1), Some("440300"), Some(""))
            .unwrap()
            .target,
        Target::Whole
    );
}

#[test]
fn modify_parse_rejects_same_city_after_normalising() {
    assert!(matches!(
        ModifyBinding::parse(Some("110100"), Some("110000"), None),
        Err(CityError::SameRegion)
    ));
}

#[test]
fn add_enforces_exclusivity_and_caps() {
    let whole = AddBinding::parse(Some(1), Some("440300"), None).unwrap();
    let other_whole = AddBinding::parse(Some(1), Some("440400"), None).unwrap();
    let pg = AddBinding::parse(Some(2), Some("440300"), page("p/a")).unwrap();
    assert!(matches!(
        state(&[("", "440300")]).decide_add(&whole),
        Err(CityError::AlreadyBound)
    ));
    assert!(matches!(
        state(&[("", "440300")]).decide_add(&other_whole),
        Err(CityError::WholeAlreadyBound)
    ));
    assert!(matches!(
        state(&[("", "440300")]).decide_add(&pg),
        Err(CityError::BoundAsWhole)
    ));
    assert!(matches!(
        state(&[("p/b", "440300")]).decide_add(&whole),
        Err(CityError::BoundByPage)
    ));
    assert!(matches!(
        state(&[("p/a", "440300")]).decide_add(&pg),
        Err(CityError::AlreadyBound)
    ));
    assert!(matches!(
        state(&[("p/a", "440400")]).decide_add(&pg),
        Err(CityError::PathAlreadyBound)
    ));
    let ten: Vec<(String, &str)> = (0..10).map(|i| (format!("p/{i}"), "440300")).collect();
    let ten: Vec<(&str, &str)> = ten.iter().map(|(p, r)| (p.as_str(), *r)).collect();
    assert!(matches!(
        state(&ten).decide_add(&pg),
        Err(CityError::TooManyPaths)
    ));
    assert!(state(&ten[..9]).decide_add(&pg).is_ok());
}

#[test]
fn delete_and_modify_take_path_as_empty_for_whole_bound_apps() {
    let s = state(&[("", "440300")]);
    let del = DeleteBinding::parse(Some("440300"), page("any/page")).unwrap();
    assert_eq!(
        s.decide_delete(&del, Timestamp::from_secs(0)).unwrap(),
        Effect::Delete {
            data_id: 0,
            path: String::new()
        }
    );
    let wrong = DeleteBinding::parse(Some("440400"), None).unwrap();
    assert!(matches!(
        s.decide_delete(&wrong, Timestamp::from_secs(0)),
        Err(CityError::NothingToDelete)
    ));
    let m = ModifyBinding::parse(Some("440400"), Some("440300"), None).unwrap();
    assert!(matches!(
        s.decide_modify(&m, Timestamp::from_secs(0)),
        Err(CityError::NothingToModify)
    ));
}

#[test]
fn window_is_keyed_on_target_and_ends_exactly_after_7_days() {
    let mut s = state(&[("p/a", "440300")]);
    s.changes.push(TargetChange {
        path: "p/a".into(),
        changed_at: UnixSecs::new(1_000),
    });
    let m = ModifyBinding::parse(Some("440300"), Some("440400"), page("p/a")).unwrap();
    let at = |t| Timestamp::from_secs(t);
    assert!(matches!(
        s.decide_modify(&m, at(1_000 + CHANGE_WINDOW.get() - 1)),
        Err(CityError::TooFrequent { next_change_at }) if next_change_at == UnixSecs::new(1_000 + CHANGE_WINDOW.get())
    ));
    assert!(s.decide_modify(&m, at(1_000 + CHANGE_WINDOW.get())).is_ok());
}

#[test]
fn history_at_or_before_the_horizon_no_longer_throttles() {
    let now = Timestamp::from_secs(10_000_000);
    let horizon = history_horizon(now);
    assert_eq!(horizon, UnixSecs::new(10_000_000 - CHANGE_WINDOW.get()));
    let with_change = |changed_at| RegionState {
        bindings: vec![Binding {
            data_id: 1,
            path: String::new(),
            region_id: "440300".into(),
            created_at: UnixSecs::new(0),
            modified_at: UnixSecs::new(0),
        }],
        changes: vec![TargetChange {
            path: String::new(),
            changed_at,
        }],
    };
    let cmd = DeleteBinding::parse(Some("440300"), None).unwrap();
    // A change at the horizon is prunable: deciding with or without it is the same.
    assert!(with_change(horizon).decide_delete(&cmd, now).is_ok());
    assert!(matches!(
        with_change(horizon + Seconds::new(1)).decide_delete(&cmd, now),
        Err(CityError::TooFrequent { .. })
    ));
}

#[test]
fn a_whole_bound_app_targets_the_whole_app_whatever_path_is_named() {
    let page = PagePath::parse("p/a").unwrap();
    let empty = RegionState::default();
    assert_eq!(empty.target_of(Some(&page)), "p/a");
    assert_eq!(empty.target_of(None), "");
    let whole = RegionState {
        bindings: vec![Binding {
            data_id: 1,
            path: String::new(),
            region_id: "440300".into(),
            created_at: UnixSecs::new(0),
            modified_at: UnixSecs::new(0),
        }],
        changes: vec![],
    };
    assert_eq!(whole.target_of(Some(&page)), "");
}
