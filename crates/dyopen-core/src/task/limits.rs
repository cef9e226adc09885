//! dyopen's limits on the free-text fields of a task (SPEC §8 "Memory"): the platform publishes
//! none, so these are dyopen's own, generous for any real console entry yet finite, so that one
//! stored task (and so one page of `query_task_info`) stays small. Lengths count characters
//! (Unicode scalar values), not bytes. `docs/api-conventions.md` lists every field limit.

use super::add::TaskError;
use super::model::TaskDetails;
use super::talents::SubmissionError;
use std::collections::BTreeMap;

/// Longest task name (after trimming).
pub const MAX_TASK_NAME_CHARS: usize = 100;
/// Longest `task_desc`.
pub const MAX_TASK_DESC_CHARS: usize = 2_000;
/// Longest `anchor_title`.
pub const MAX_ANCHOR_TITLE_CHARS: usize = 100;
/// Longest `task_icon` (an image URL).
pub const MAX_TASK_ICON_CHARS: usize = 1_024;
/// Most `task_tags`.
pub const MAX_TASK_TAGS: usize = 20;
/// Longest tag.
pub const MAX_TASK_TAG_CHARS: usize = 32;
/// Most items in each refer list (`refer_videos`, `refer_gids`, `refer_ma_captures`).
pub const MAX_REFER_ITEMS: usize = 10;
/// Longest item of a refer list (a video id, gid or capture URL).
pub const MAX_REFER_ITEM_CHARS: usize = 512;
/// Most entries in each mixed-ratio map (`mix_payment_allocate_ratio`,
/// `talent_mix_payment_allocate_ratio`).
pub const MAX_MIX_RATIO_ENTRIES: usize = 10;
/// Longest key or value of a mixed-ratio map.
pub const MAX_MIX_RATIO_TEXT_CHARS: usize = 64;
/// Longest `video_id` of a submission (admin API).
pub const MAX_VIDEO_ID_CHARS: usize = 128;

fn chars(s: &str) -> usize {
    s.chars().count()
}

/// `field` has at most `max` characters.
fn text(field: &'static str, value: &str, max: usize) -> Result<(), TaskError> {
    if chars(value) > max {
        return Err(TaskError::TooLong { field, max });
    }
    Ok(())
}

/// `field` has at most `max_items` items of at most `max_chars` characters each.
fn list(
    field: &'static str,
    items: &[String],
    max_items: usize,
    max_chars: usize,
) -> Result<(), TaskError> {
    if items.len() > max_items {
        return Err(TaskError::TooMany {
            field,
            max: max_items,
        });
    }
    if items.iter().any(|i| chars(i) > max_chars) {
        return Err(TaskError::ItemTooLong {
            field,
            max: max_chars,
        });
    }
    Ok(())
}

fn ratio_map(field: &'static str, map: &BTreeMap<String, String>) -> Result<(), TaskError> {
    if map.len() > MAX_MIX_RATIO_ENTRIES {
        return Err(TaskError::TooMany {
            field,
            max: MAX_MIX_RATIO_ENTRIES,
        });
    }
    let long = |s: &String| chars(s) > MAX_MIX_RATIO_TEXT_CHARS;
    if map.iter().any(|(k, v)| long(k) || long(v)) {
        return Err(TaskError::ItemTooLong {
            field,
            max: MAX_MIX_RATIO_TEXT_CHARS,
        });
    }
    Ok(())
}

impl TaskDetails {
    /// Checks every free-text field against its limit, in the order of the fields.
    pub fn check_limits(&self) -> Result<(), TaskError> {
        text("anchor_title", &self.anchor_title, MAX_ANCHOR_TITLE_CHARS)?;
        text("task_icon", &self.task_icon, MAX_TASK_ICON_CHARS)?;
        text("task_desc", &self.task_desc, MAX_TASK_DESC_CHARS)?;
        list(
            "task_tags",
            &self.task_tags,
            MAX_TASK_TAGS,
            MAX_TASK_TAG_CHARS,
        )?;
        for (field, items) in [
            ("refer_videos", &self.refer_videos),
            ("refer_gids", &self.refer_gids),
            ("refer_ma_captures", &self.refer_ma_captures),
        ] {
            if let Some(items) = items {
                list(field, items, MAX_REFER_ITEMS, MAX_REFER_ITEM_CHARS)?;
            }
        }
        for (field, map) in [
            (
                "mix_payment_allocate_ratio",
                &self.mix_payment_allocate_ratio,
            ),
            (
                "talent_mix_payment_allocate_ratio",
                &self.talent_mix_payment_allocate_ratio,
            ),
        ] {
            if let Some(map) = map {
                ratio_map(field, map)?;
            }
        }
        Ok(())
    }
}

/// Checks the `video_id` of a submission: at most [`MAX_VIDEO_ID_CHARS`] characters.
pub fn check_video_id(video_id: Option<&str>) -> Result<(), SubmissionError> {
    if video_id.is_some_and(|v| chars(v) > MAX_VIDEO_ID_CHARS) {
        return Err(SubmissionError::BadVideoId);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn at_limits() -> TaskDetails {
        let s = |n: usize| "字".repeat(n);
        let items = |count: usize, n: usize| (0..count).map(|_| s(n)).collect::<Vec<_>>();
        let map = |count: usize| {
            (0..count)
                .map(|i| {
                    let key = format!("{i:0>width$}", width = MAX_MIX_RATIO_TEXT_CHARS);
                    (key, s(MAX_MIX_RATIO_TEXT_CHARS))
                })
                .collect::<BTreeMap<_, _>>()
        };
        TaskDetails {
            anchor_title: s(MAX_ANCHOR_TITLE_CHARS),
            task_icon: s(MAX_TASK_ICON_CHARS),
            task_desc: s(MAX_TASK_DESC_CHARS),
            task_tags: items(MAX_TASK_TAGS, MAX_TASK_TAG_CHARS),
            refer_videos: Some(items(MAX_REFER_ITEMS, MAX_REFER_ITEM_CHARS)),
            refer_gids: Some(items(MAX_REFER_ITEMS, MAX_REFER_ITEM_CHARS)),
            refer_ma_captures: Some(items(MAX_REFER_ITEMS, MAX_REFER_ITEM_CHARS)),
            mix_payment_allocate_ratio: Some(map(MAX_MIX_RATIO_ENTRIES)),
            talent_mix_payment_allocate_ratio: Some(map(MAX_MIX_RATIO_ENTRIES)),
            ..TaskDetails::default()
        }
    }

    fn field_of(e: TaskError) -> &'static str {
        match e {
            TaskError::TooLong { field, .. }
            | TaskError::TooMany { field, .. }
            | TaskError::ItemTooLong { field, .. } => field,
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn every_field_at_its_limit_passes_and_one_more_fails() {
        assert!(at_limits().check_limits().is_ok());
        type Grow = fn(&mut TaskDetails);
        let cases: Vec<(&str, Grow)> = vec![
            ("anchor_title", |d| d.anchor_title.push('x')),
            ("task_icon", |d| d.task_icon.push('x')),
            ("task_desc", |d| d.task_desc.push('x')),
            ("task_tags", |d| d.task_tags.push("x".into())),
            ("task_tags", |d| d.task_tags[3].push('x')),
            ("refer_videos", |d| {
                d.refer_videos.as_mut().unwrap().push("x".into())
            }),
            ("refer_gids", |d| {
                d.refer_gids.as_mut().unwrap()[0].push('x')
            }),
            ("refer_ma_captures", |d| {
                d.refer_ma_captures.as_mut().unwrap()[9].push('x')
            }),
            ("mix_payment_allocate_ratio", |d| {
                d.mix_payment_allocate_ratio
                    .as_mut()
                    .unwrap()
                    .insert("new".into(), "1".into());
            }),
            ("talent_mix_payment_allocate_ratio", |d| {
                d.talent_mix_payment_allocate_ratio
                    .as_mut()
                    .unwrap()
                    .values_mut()
                    .for_each(|v| v.push('x'))
            }),
        ];
        for (want, grow) in cases {
            let mut d = at_limits();
            grow(&mut d);
            assert_eq!(field_of(d.check_limits().unwrap_err()), want);
        }
    }

    #[test]
    fn limit_errors_name_the_field_and_the_limit() {
        let e = TaskError::TooLong {
            field: "task_desc",
            max: MAX_TASK_DESC_CHARS,
        };
        assert_eq!(e.to_string(), "task_desc不能超过2000个字符");
        assert!(check_video_id(Some(&"v".repeat(MAX_VIDEO_ID_CHARS))).is_ok());
        assert!(matches!(
            check_video_id(Some(&"v".repeat(MAX_VIDEO_ID_CHARS + 1))),
            Err(SubmissionError::BadVideoId)
        ));
        assert!(check_video_id(None).is_ok());
    }

    proptest! {
        #[test]
        fn check_limits_accepts_exactly_the_texts_within_the_limits(
            desc in "\\PC{0,2100}",
            tags in proptest::collection::vec("\\PC{0,40}", 0..25),
        ) {
            let d = TaskDetails { task_desc: desc.clone(), task_tags: tags.clone(), ..TaskDetails::default() };
            let ok = desc.chars().count() <= MAX_TASK_DESC_CHARS
                && tags.len() <= MAX_TASK_TAGS
                && tags.iter().all(|t| t.chars().count() <= MAX_TASK_TAG_CHARS);
            prop_assert_eq!(d.check_limits().is_ok(), ok);
        }
    }
}
