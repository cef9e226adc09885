//! Exclusive-task talents (更新专属任务达人, seed 001): `POST /api/apps/taskbox/update_orient_talents/`
//! on developer.toutiao.com, any number of ids split into calls of
//! [`MAX_TALENTS_PER_CALL`].

use crate::client::Client;
use crate::error::{Error, Result};
use crate::family::Family;
use crate::transport::Call;
use dyopen_wire::dialect::TalentsEnvelope;
use dyopen_wire::ids::FlexId;
pub use dyopen_wire::task::TalentOp;
use dyopen_wire::task::{
    UpdateInfo, UpdateOrientTalentsData, UpdateOrientTalentsRequest, MAX_TALENTS_PER_CALL,
};

use dyopen_wire::paths::TALENTS_UPDATE as PATH;

/// One talents update: which task, which operation, which ids (any number).
///
/// ```
/// use dyopen_client::{TalentOp, TalentsUpdate};
/// let u = TalentsUpdate::new(7218760632718443557, TalentOp::Add, ["a", "b"]);
/// assert_eq!(u.douyin_ids.len(), 2);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TalentsUpdate {
    /// The exclusive task.
    pub task_id: u64,
    /// Add or cancel.
    pub op: TalentOp,
    /// Talents' douyin ids, in order; split into chunks of ten.
    pub douyin_ids: Vec<String>,
    /// The task's app; default: the client's appid.
    pub appid: Option<String>,
    /// A service provider's own appid (when acting for `appid`).
    pub third_appid: Option<String>,
}

impl TalentsUpdate {
    /// An update of `task_id` for the client's own app.
    ///
    /// ```
    /// let u = dyopen_client::TalentsUpdate::new(1, dyopen_client::TalentOp::Cancel, vec!["x".to_string()]);
    /// assert!(u.appid.is_none());
    /// ```
    pub fn new<I, S>(task_id: u64, op: TalentOp, douyin_ids: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self {
            task_id,
            op,
            douyin_ids: douyin_ids.into_iter().map(Into::into).collect(),
            appid: None,
            third_appid: None,
        }
    }
}

impl Client {
    /// `update_orient_talents` over any number of ids, in calls of at most ten; returns one
    /// result per id, in order (`请求成功,已添加`, `请求失败,…`: per-id failures are results, not
    /// errors). A call that fails (token, task, system error after retries) stops the run.
    ///
    /// ```no_run
    /// # async fn run(client: dyopen_client::Client) -> dyopen_client::Result<()> {
    /// use dyopen_client::{TalentOp, TalentsUpdate};
    /// let ids: Vec<String> = (0..35).map(|i| format!("talent_{i}")).collect();
    /// let results = client
    ///     .update_orient_talents(&TalentsUpdate::new(7218760632718443557, TalentOp::Add, ids))
    ///     .await?; // 4 calls: 10 + 10 + 10 + 5
    /// for r in results { println!("{} {}", r.douyin_id, r.update_result); }
    /// # Ok(()) }
    /// ```
    pub async fn update_orient_talents(&self, update: &TalentsUpdate) -> Result<Vec<UpdateInfo>> {
        self.update_orient_talents_with(update, |_| {}).await
    }

    /// As [`Client::update_orient_talents`], calling `on_chunk` with each call's results as they
    /// arrive (for progress bars, or to keep the results of the calls before a failure).
    ///
    /// ```no_run
    /// # async fn run(client: dyopen_client::Client) -> dyopen_client::Result<()> {
    /// use dyopen_client::{TalentOp, TalentsUpdate};
    /// let update = TalentsUpdate::new(7218760632718443557, TalentOp::Cancel, ["a", "b"]);
    /// let mut done = 0;
    /// client.update_orient_talents_with(&update, |chunk| done += chunk.len()).await?;
    /// # Ok(()) }
    /// ```
    pub async fn update_orient_talents_with(
        &self,
        update: &TalentsUpdate,
        mut on_chunk: impl FnMut(&[UpdateInfo]),
    ) -> Result<Vec<UpdateInfo>> {
        let appid = match &update.appid {
            Some(a) => a.clone(),
            None => self
                .appid()
                .ok_or_else(|| Error::Config("update_orient_talents needs the appid".into()))?
                .to_owned(),
        };
        let mut all = Vec::with_capacity(update.douyin_ids.len());
        for chunk in update.douyin_ids.chunks(MAX_TALENTS_PER_CALL) {
            let req = UpdateOrientTalentsRequest {
                access_token: None,
                appid: appid.clone(),
                task_id: FlexId(update.task_id),
                op_type: update.op.code(),
                douyin_ids: chunk.to_vec(),
                third_appid: update.third_appid.clone(),
            };
            let res: TalentsEnvelope<UpdateOrientTalentsData> =
                self.call(Call::new(PATH, Family::Talents, &req)?).await?;
            on_chunk(&res.data.update_info_list);
            all.extend(res.data.update_info_list);
        }
        Ok(all)
    }
}
