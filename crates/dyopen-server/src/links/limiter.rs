//! The per-app qps limit of URL-link generation: a fixed window of one Clock second. Every
//! request that reaches the check counts. In process by default; with Redis, one counter per
//! app and second shared by every instance (an atomic Lua INCR + EXPIRE). If Redis fails, the
//! in-process window takes over for that request and `/readyz` reports the fallback.

use redis::aio::ConnectionManager;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Longest wait for the readiness ping (`/readyz` answers within 2 s whatever `--redis-timeout`).
const PING_TIMEOUT: Duration = Duration::from_millis(250);

const INCR_SCRIPT: &str = r"
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], tonumber(ARGV[1])) end
return n
";

/// Real seconds a Redis window key lives with the system clock (its second is long over by then).
pub const WINDOW_TTL_SECS: u64 = 10;
/// Real seconds a Redis window key lives in emulator mode, where a frozen Clock second never ends.
pub const EMULATOR_WINDOW_TTL_SECS: u64 = 86_400;

/// Where the qps windows live right now (reported by `/readyz`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimiterMode {
    /// No Redis configured.
    InProcess,
    /// Redis answers.
    Redis,
    /// Redis configured but failing: in-process fallback.
    Fallback,
}

/// The shared Redis window.
struct RedisWindow {
    manager: tokio::sync::OnceCell<ConnectionManager>,
    prefix: String,
    ttl_secs: u64,
    /// Longest wait for a qps check (`--redis-timeout`).
    timeout: Duration,
    script: redis::Script,
    healthy: AtomicBool,
}

/// The qps limiter.
pub struct QpsLimiter {
    local: Mutex<HashMap<String, (i64, i64)>>,
    redis: Option<Arc<RedisWindow>>,
}

impl QpsLimiter {
    /// An in-process limiter.
    pub fn in_process() -> Self {
        Self {
            local: Mutex::new(HashMap::new()),
            redis: None,
        }
    }

    /// A Redis-backed limiter; the connection is made in the background (retried until it
    /// succeeds), the in-process window serving meanwhile. Fails only on a malformed URL.
    pub fn with_redis(
        url: &str,
        prefix: &str,
        ttl_secs: u64,
        timeout: Duration,
    ) -> anyhow::Result<Self> {
        let client = redis::Client::open(url)?;
        let window = Arc::new(RedisWindow {
            manager: tokio::sync::OnceCell::new(),
            prefix: prefix.to_owned(),
            ttl_secs,
            timeout,
            script: redis::Script::new(INCR_SCRIPT),
            healthy: AtomicBool::new(false),
        });
        let bg = window.clone();
        tokio::spawn(async move {
            loop {
                match tokio::time::timeout(
                    Duration::from_secs(2),
                    ConnectionManager::new(client.clone()),
                )
                .await
                {
                    Ok(Ok(m)) => {
                        let _ = bg.manager.set(m);
                        bg.healthy.store(true, Ordering::Relaxed);
                        tracing::info!("qps limiter: connected to Redis");
                        return;
                    }
                    Ok(Err(e)) => {
                        tracing::warn!(error = %e, "qps limiter: Redis unreachable, in-process fallback")
                    }
                    Err(_) => {
                        tracing::warn!("qps limiter: Redis connect timed out, in-process fallback")
                    }
                }
                tokio::time::sleep(Duration::from_secs(2)).await;
            }
        });
        Ok(Self {
            local: Mutex::new(HashMap::new()),
            redis: Some(window),
        })
    }

    /// Waits up to `within` for the Redis connection (startup and tests); true when connected.
    pub async fn wait_connected(&self, within: Duration) -> bool {
        let Some(w) = &self.redis else { return false };
        let deadline = tokio::time::Instant::now() + within;
        while w.manager.get().is_none() && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        w.manager.get().is_some()
    }

    /// Counts a request of `appid` in Clock second `second`; true if within `limit`.
    pub async fn admit(&self, appid: &str, second: i64, limit: i64) -> bool {
        if let Some(w) = &self.redis {
            if let Some(manager) = w.manager.get() {
                let key = format!("{}qps:{appid}:{second}", w.prefix);
                let mut conn = manager.clone();
                let mut invocation = w.script.key(key);
                invocation.arg(w.ttl_secs);
                let call = invocation.invoke_async::<i64>(&mut conn);
                match tokio::time::timeout(w.timeout, call).await {
                    Ok(Ok(n)) => {
                        w.healthy.store(true, Ordering::Relaxed);
                        return n <= limit;
                    }
                    Ok(Err(e)) => {
                        tracing::warn!(error = %e, "qps limiter: Redis failed, in-process fallback")
                    }
                    Err(_) => tracing::warn!("qps limiter: Redis timed out, in-process fallback"),
                }
                w.healthy.store(false, Ordering::Relaxed);
            }
        }
        self.admit_local(appid, second, limit)
    }

    /// Forgets every window (emulator reset): the in-process ones and, with Redis, this
    /// deployment's keys.
    pub async fn clear(&self) {
        self.local
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clear();
        let Some(w) = &self.redis else { return };
        let Some(manager) = w.manager.get() else {
            return;
        };
        let mut conn = manager.clone();
        let pattern = format!("{}qps:*", w.prefix);
        let keys: Result<Vec<String>, _> = tokio::time::timeout(w.timeout * 4, async {
            let (mut cursor, mut keys) = (0u64, Vec::new());
            loop {
                let (next, batch): (u64, Vec<String>) = redis::cmd("SCAN")
                    .arg(cursor)
                    .arg("MATCH")
                    .arg(&pattern)
                    .arg("COUNT")
                    .arg(1000)
                    .query_async(&mut conn)
                    .await?;
                keys.extend(batch);
                if next == 0 {
                    return Ok::<_, redis::RedisError>(keys);
                }
                cursor = next;
            }
        })
        .await
        .unwrap_or_else(|_| Ok(Vec::new()));
        match keys {
            Ok(keys) if !keys.is_empty() => {
                let mut conn = manager.clone();
                if let Err(e) = redis::AsyncCommands::del::<_, ()>(&mut conn, keys).await {
                    tracing::warn!(error = %e, "qps limiter: could not clear Redis windows");
                }
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "qps limiter: could not list Redis windows"),
        }
    }

    fn admit_local(&self, appid: &str, second: i64, limit: i64) -> bool {
        let mut windows = self
            .local
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let window = windows.entry(appid.to_owned()).or_insert((second, 0));
        if window.0 != second {
            *window = (second, 0);
        }
        window.1 += 1;
        window.1 <= limit
    }

    /// Where the windows live now; with Redis, pings it first.
    pub async fn mode(&self) -> LimiterMode {
        let Some(w) = &self.redis else {
            return LimiterMode::InProcess;
        };
        let Some(manager) = w.manager.get() else {
            return LimiterMode::Fallback;
        };
        let mut conn = manager.clone();
        let cmd = redis::cmd("PING");
        let ping = cmd.query_async::<String>(&mut conn);
        let ok = matches!(
            tokio::time::timeout(w.timeout.min(PING_TIMEOUT), ping).await,
            Ok(Ok(_))
        );
        w.healthy.store(ok, Ordering::Relaxed);
        if ok {
            LimiterMode::Redis
        } else {
            LimiterMode::Fallback
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn in_process_window_is_one_clock_second() {
        let l = QpsLimiter::in_process();
        assert!(l.admit("a", 10, 2).await);
        assert!(l.admit("a", 10, 2).await);
        assert!(!l.admit("a", 10, 2).await);
        assert!(l.admit("b", 10, 2).await);
        assert!(l.admit("a", 11, 2).await);
    }
}
