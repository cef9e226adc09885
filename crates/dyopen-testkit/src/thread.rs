//! `ThreadApp`: a [`TestApp`] on SQLite served from a runtime thread of its own, for synchronous
//! tests (the CLI's) that drive it from outside any runtime.

use crate::app::TestApp;
use crate::backend::Backend;
use dyopen_core::clock::ManualClock;
use std::sync::Arc;

/// A server on its own runtime thread; stopped, and its database removed, when dropped.
pub struct ThreadApp {
    /// `http://127.0.0.1:PORT`.
    pub base_url: String,
    /// The server's clock, frozen at [`crate::T0`] until a test moves it.
    pub clock: Arc<ManualClock>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl ThreadApp {
    /// A server on a fresh SQLite file in emulator mode, as [`TestApp::spawn`].
    pub fn spawn() -> Self {
        let (ready, started) = std::sync::mpsc::channel();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Runtime::new().expect("runtime");
            rt.block_on(async move {
                let app = TestApp::spawn(Backend::Sqlite)
                    .await
                    .expect("SQLite is always available");
                ready
                    .send((app.base_url.clone(), app.clock.clone()))
                    .expect("send the address");
                let _ = stopped.await;
            });
        });
        let (base_url, clock) = started.recv().expect("server started");
        Self {
            base_url,
            clock,
            stop: Some(stop),
            thread: Some(thread),
        }
    }
}

impl Drop for ThreadApp {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
