//! The demo app's credentials (`dyopen serve --demo`, and every emulator start): stored with the
//! secret in clear, so each start and each emulator reset shows and re-creates the same app.

use super::StoreError;
use crate::app::{AppId, AppSecret};
use async_trait::async_trait;

/// The demo app: its appid and its secret in clear (a demo app is for trying dyopen out; its
/// secret is stored readable on purpose, so it can be printed again).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoApp {
    /// Its appid.
    pub appid: AppId,
    /// Its secret.
    pub secret: AppSecret,
}

/// Storage of the one demo app record.
#[async_trait]
pub trait DemoStore: Send + Sync {
    /// The stored demo app, if one was ever made (the app itself may have been wiped since).
    async fn demo_app(&self) -> Result<Option<DemoApp>, StoreError>;
    /// Stores (or replaces) the demo app record.
    async fn set_demo_app(&self, demo: &DemoApp) -> Result<(), StoreError>;
}
