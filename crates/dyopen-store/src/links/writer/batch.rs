//! How a batch is decided, on either backend: its jobs grouped by (app, day) in the order apps
//! are locked, each job decided by the core quota rule against the day's count, and each
//! caller's answer.

use super::Results;
use crate::Error;
use dyopen_core::link::{within_daily_quota, Link, LinkCode, LinkError, NewLink};

/// One (app, day) of a batch: the indices of its jobs, in batch order.
pub(super) struct Group<'a> {
    pub(super) appid: &'a str,
    pub(super) day: i64,
    pub(super) jobs: Vec<usize>,
}

/// The batch's jobs grouped by (app, day), in appid order: apps are locked in that order, so
/// two instances' batches never deadlock.
pub(super) fn groups<'a>(jobs: &[(&'a NewLink, i64, i64)]) -> Vec<Group<'a>> {
    let mut order: Vec<usize> = (0..jobs.len()).collect();
    order.sort_by_key(|&j| (jobs[j].0.appid.as_str(), jobs[j].1));
    let mut groups: Vec<Group<'a>> = Vec::new();
    for j in order {
        let (link, day, _) = jobs[j];
        match groups.last_mut() {
            Some(g) if g.appid == link.appid.as_str() && g.day == day => g.jobs.push(j),
            _ => groups.push(Group {
                appid: link.appid.as_str(),
                day,
                jobs: vec![j],
            }),
        }
    }
    groups
}

/// The answers of a batch as its groups are written (`None`: not yet decided).
pub(super) struct Answers(Vec<Option<Result<Link, LinkError>>>);

impl Answers {
    pub(super) fn new(n: usize) -> Self {
        Self((0..n).map(|_| None).collect())
    }

    /// Every job of `group` fails: its app does not exist.
    pub(super) fn app_gone(&mut self, group: &Group<'_>) {
        for &j in &group.jobs {
            let gone = Error::Conflict(format!("no app {}", group.appid)).into();
            self.0[j] = Some(Err(LinkError::Storage(gone)));
        }
    }

    /// Decides each job of `group` in order by the core quota rule against the day's count so
    /// far (`used`): the accepted jobs, and the count after them; the others are refused here.
    pub(super) fn decide(
        &mut self,
        group: &Group<'_>,
        jobs: &[(&NewLink, i64, i64)],
        mut used: i64,
    ) -> (Vec<usize>, i64) {
        let mut accepted = Vec::with_capacity(group.jobs.len());
        for &j in &group.jobs {
            if within_daily_quota(used, jobs[j].2) {
                accepted.push(j);
                used += 1;
            } else {
                self.0[j] = Some(Err(LinkError::QuotaExceeded));
            }
        }
        (accepted, used)
    }

    pub(super) fn inserted(&mut self, accepted: &[usize], links: Vec<Link>) {
        for (&j, link) in accepted.iter().zip(links) {
            self.0[j] = Some(Ok(link));
        }
    }

    pub(super) fn finish(self) -> Results {
        self.0
            .into_iter()
            .map(|r| r.unwrap_or(Err(LinkError::QuotaExceeded)))
            .collect()
    }
}

/// The link `link` stored under `code`.
pub(super) fn stored(code: LinkCode, link: &NewLink) -> Link {
    Link {
        code,
        appid: link.appid.clone(),
        host: link.host,
        path: link.path.clone(),
        query: link.query.clone(),
        created_at: link.created_at,
        expires_at: link.expires_at,
        visits: 0,
    }
}
