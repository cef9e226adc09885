//! The city catalogue (`data/regions.csv`, compiled in; see `data/README.md` for its source).

use std::collections::HashMap;
use std::sync::OnceLock;

static CSV: &str = include_str!("../../../../data/regions.csv");

/// What kind of division a city is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CityKind {
    /// 北京, 天津, 上海, 重庆.
    Municipality,
    /// Prefecture-level city, league or autonomous prefecture.
    Prefecture,
    /// County-level city administered directly by its province (e.g. 济源市, 仙桃市).
    CountyLevel,
}

/// A city of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct City {
    /// Six-digit code.
    pub code: String,
    /// Name, e.g. `深圳市`.
    pub name: String,
    /// Province code, e.g. `440000`.
    pub province_code: String,
    /// Province name, e.g. `广东省`.
    pub province_name: String,
    /// Kind.
    pub kind: CityKind,
}

/// Every bindable city by code.
pub struct Catalogue {
    by_code: HashMap<String, City>,
}

impl Catalogue {
    /// The city with this normalised code.
    pub fn get(&self, code: &str) -> Option<&City> {
        self.by_code.get(code)
    }
    /// Every city, by code.
    pub fn cities(&self) -> Vec<&City> {
        let mut all: Vec<&City> = self.by_code.values().collect();
        all.sort_by(|a, b| a.code.cmp(&b.code));
        all
    }
    /// Number of cities.
    pub fn len(&self) -> usize {
        self.by_code.len()
    }
    /// Always false (the catalogue ships with 370 cities).
    pub fn is_empty(&self) -> bool {
        self.by_code.is_empty()
    }
}

fn parse_csv(csv: &str) -> Catalogue {
    let mut by_code = HashMap::new();
    for line in csv.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let cols: Vec<&str> = line.split(',').collect();
        let [code, name, province_code, province_name, kind] = cols[..] else {
            panic!("data/regions.csv: bad line {line:?}");
        };
        let kind = match kind {
            "municipality" => CityKind::Municipality,
            "prefecture" => CityKind::Prefecture,
            "county_level" => CityKind::CountyLevel,
            other => panic!("data/regions.csv: unknown kind {other:?}"),
        };
        let city = City {
            code: code.into(),
            name: name.into(),
            province_code: province_code.into(),
            province_name: province_name.into(),
            kind,
        };
        by_code.insert(code.to_owned(), city);
    }
    Catalogue { by_code }
}

/// The catalogue, parsed once from the compiled-in file.
pub fn catalogue() -> &'static Catalogue {
    static CAT: OnceLock<Catalogue> = OnceLock::new();
    CAT.get_or_init(|| parse_csv(CSV))
}

/// A bindable city's code, normalised (`110100` → `110000` for the four municipalities).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RegionCode(String);

impl RegionCode {
    /// Parses a code; `None` unless it is a city of the catalogue (or a municipality alias).
    pub fn parse(s: &str) -> Option<Self> {
        if s.len() != 6 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let normalised = match s {
            "110100" | "120100" | "310100" | "500100" => format!("{}0000", &s[..2]),
            _ => s.to_owned(),
        };
        catalogue().get(&normalised).map(|_| Self(normalised))
    }
    /// The normalised code.
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// The catalogue entry.
    pub fn city(&self) -> &'static City {
        catalogue()
            .get(&self.0)
            .expect("RegionCode is only built from catalogue codes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn catalogue_has_370_cities_of_three_kinds() {
        let cat = catalogue();
        assert_eq!(cat.len(), 370);
        let count = |k| cat.by_code.values().filter(|c| c.kind == k).count();
        assert_eq!(count(CityKind::Municipality), 4);
        assert_eq!(count(CityKind::Prefecture), 333);
        assert_eq!(count(CityKind::CountyLevel), 33);
    }

    #[test]
    fn accepts_cities_and_municipality_aliases() {
        for ok in [
            "440300", "130400", "441900", "419001", "429004", "469001", "659001", "659013",
            "110000",
        ] {
            assert_eq!(
                RegionCode::parse(ok).map(|c| c.0),
                Some(ok.to_owned()),
                "{ok}"
            );
        }
        assert_eq!(RegionCode::parse("310100").unwrap().as_str(), "310000");
        assert_eq!(RegionCode::parse("440300").unwrap().city().name, "深圳市");
    }

    #[test]
    fn rejects_provinces_districts_abolished_and_groups() {
        for bad in [
            "440000", "440303", "371200", "419000", "429000", "469000", "659000", "810000", "4403",
            "44030a", "",
        ] {
            assert!(RegionCode::parse(bad).is_none(), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn parse_round_trips(s in "[0-9]{6}") {
            if let Some(c) = RegionCode::parse(&s) {
                prop_assert_eq!(RegionCode::parse(c.as_str()), Some(c.clone()));
            }
        }

        #[test]
        fn parse_never_panics(s in ".{0,12}") {
            let _ = RegionCode::parse(&s);
        }
    }
}
