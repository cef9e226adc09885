//! Short-video tasks (任务台), v2 APIs on open.douyin.com: `/api/match/v2/taskbox/add_task|
//! update_status|query_task_info|query_app_task_id/`.

use crate::client::Client;
use crate::error::Result;
use crate::family::Family;
use crate::transport::Call;
use dyopen_wire::dialect::OpenEnvelope;
use dyopen_wire::ids::{FlexId, FlexInt};
pub use dyopen_wire::task::TaskStatus;
use dyopen_wire::task::{
    AddTaskRequest, QueryAppTaskIdData, QueryAppTaskIdRequest, QueryTaskInfoData,
    QueryTaskInfoRequest, TaskIdData, UpdateStatusRequest,
};

use dyopen_wire::paths::{
    TASK_ADD as ADD_TASK, TASK_QUERY_IDS as QUERY_APP_TASK_ID, TASK_QUERY_INFO as QUERY_TASK_INFO,
    TASK_UPDATE_STATUS as UPDATE_STATUS,
};

impl Client {
    /// `add_task`: creates a task for the token's app; returns its 19-digit id.
    ///
    /// ```no_run
    /// # async fn run(client: dyopen_client::Client) -> dyopen_client::Result<()> {
    /// use dyopen_client::wire::{ids::FlexInt, task::AddTaskRequest};
    /// let task_id = client
    ///     .task_add(&AddTaskRequest {
    ///         task_name: Some("summer promo".into()),
    ///         start_page: Some("pages/index/index".into()),
    ///         task_start_time: Some(FlexInt(1_714_521_600)),
    ///         task_end_time: Some(FlexInt(1_717_200_000)),
    ///         douyin_ids: Some(vec!["talent_1".into()]),
    ///         ..Default::default()
    ///     })
    ///     .await?;
    /// println!("task {task_id}");
    /// # Ok(()) }
    /// ```
    pub async fn task_add(&self, req: &AddTaskRequest) -> Result<u64> {
        let res: OpenEnvelope<TaskIdData> =
            self.call(Call::new(ADD_TASK, Family::Open, req)?).await?;
        Ok(res.data.task_id.0)
    }

    /// `update_status`: runs, pauses or terminates (finally) a task.
    ///
    /// ```no_run
    /// # async fn run(client: dyopen_client::Client) -> dyopen_client::Result<()> {
    /// client.task_update_status(7218760632718443557, dyopen_client::TaskStatus::Paused).await?;
    /// # Ok(()) }
    /// ```
    pub async fn task_update_status(&self, task_id: u64, status: TaskStatus) -> Result<()> {
        let req = UpdateStatusRequest {
            task_id: Some(FlexId(task_id)),
            task_status: Some(FlexInt(status.code())),
            access_token: None,
        };
        // The platform's model marks `data.task_id` optional here: success is the envelope alone.
        let _: OpenEnvelope<serde_json::Value> = self
            .call(Call::new(UPDATE_STATUS, Family::Open, &req)?)
            .await?;
        Ok(())
    }

    /// `query_task_info`: one page of tasks (with their talents) by id, name or start page.
    ///
    /// ```no_run
    /// # async fn run(client: dyopen_client::Client) -> dyopen_client::Result<()> {
    /// use dyopen_client::wire::{ids::FlexInt, task::QueryTaskInfoRequest};
    /// let page = client
    ///     .task_query_info(&QueryTaskInfoRequest {
    ///         page_no: Some(FlexInt(1)),
    ///         page_size: Some(FlexInt(50)),
    ///         query_params_type: Some(FlexInt(2)), // name substring; "" matches all
    ///         query_params_content: Some(String::new()),
    ///         ..Default::default()
    ///     })
    ///     .await?;
    /// for t in page.tasks { println!("{} {}", t.task_id, t.task_name); }
    /// # Ok(()) }
    /// ```
    pub async fn task_query_info(&self, req: &QueryTaskInfoRequest) -> Result<QueryTaskInfoData> {
        let call = Call::new(QUERY_TASK_INFO, Family::Open, req)?.idempotent();
        let res: OpenEnvelope<QueryTaskInfoData> = self.call(call).await?;
        Ok(res.data)
    }

    /// `query_app_task_id`: ids of the tasks created in `[start, end]` (Unix seconds, ≤ 7 days),
    /// newest first; `category` 1 public, 2 exclusive.
    ///
    /// ```no_run
    /// # async fn run(client: dyopen_client::Client) -> dyopen_client::Result<()> {
    /// let ids = client.task_query_app_task_ids(1_714_521_600, 1_715_126_400, None).await?;
    /// # Ok(()) }
    /// ```
    pub async fn task_query_app_task_ids(
        &self,
        start: i64,
        end: i64,
        category: Option<i64>,
    ) -> Result<Vec<u64>> {
        let req = QueryAppTaskIdRequest {
            create_start_time: Some(FlexInt(start)),
            create_end_time: Some(FlexInt(end)),
            task_category: category.map(FlexInt),
            access_token: None,
        };
        let call = Call::new(QUERY_APP_TASK_ID, Family::Open, &req)?.idempotent();
        let res: OpenEnvelope<QueryAppTaskIdData> = self.call(call).await?;
        Ok(res.data.task_ids.into_iter().map(|id| id.0).collect())
    }
}
