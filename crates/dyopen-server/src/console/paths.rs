//! Every console route path, defined once: the router registers these templates and the view
//! models fill them ([`fill`]) to make links and form actions.

/// The site's root: a browser opening the server is sent to the console.
pub const SITE_ROOT: &str = "/";
/// The console's root (redirects to the apps page).
pub const ROOT: &str = "/console";
/// Login form and its POST.
pub const LOGIN: &str = "/console/login";
/// Logout (POST).
pub const LOGOUT: &str = "/console/logout";
/// The stylesheet.
pub const CSS: &str = "/console/static/console.css";
/// The script (copy buttons, the journal's live tail); every page works without it.
pub const JS: &str = "/console/static/console.js";
/// Apps: list (GET), create (POST).
pub const APPS: &str = "/console/apps";
/// One app: overview (GET), settings (POST).
pub const APP: &str = "/console/apps/{appid}";
/// Rotate the secret (POST).
pub const APP_SECRET: &str = "/console/apps/{appid}/secret";
/// Grant a provider (POST).
pub const APP_PROVIDERS: &str = "/console/apps/{appid}/providers";
/// Revoke a provider (POST).
pub const APP_PROVIDER_REVOKE: &str = "/console/apps/{appid}/providers/revoke";
/// City bindings of an app.
pub const REGIONS: &str = "/console/apps/{appid}/regions";
/// Add a binding (POST).
pub const REGION_ADD: &str = "/console/apps/{appid}/regions/add";
/// Modify a binding (POST).
pub const REGION_MODIFY: &str = "/console/apps/{appid}/regions/modify";
/// Delete a binding (POST).
pub const REGION_DELETE: &str = "/console/apps/{appid}/regions/delete";
/// Tasks of an app: list (GET), create (POST).
pub const TASKS: &str = "/console/apps/{appid}/tasks";
/// One task.
pub const TASK: &str = "/console/tasks/{task_id}";
/// Pause, resume or terminate (POST).
pub const TASK_STATUS: &str = "/console/tasks/{task_id}/status";
/// Add or cancel talents (POST).
pub const TASK_TALENTS: &str = "/console/tasks/{task_id}/talents";
/// Record a submission (POST).
pub const TASK_SUBMISSION: &str = "/console/tasks/{task_id}/submissions";
/// Links of an app: list (GET), generate (POST).
pub const LINKS: &str = "/console/apps/{appid}/links";
/// One link.
pub const LINK: &str = "/console/links/{code}";
/// The emulator page (emulator mode only).
pub const EMULATOR: &str = "/console/emulator";
/// Set, advance or resume the clock (POST).
pub const EMULATOR_CLOCK: &str = "/console/emulator/clock";
/// Reset (POST).
pub const EMULATOR_RESET: &str = "/console/emulator/reset";
/// Arm or clear faults (POST).
pub const EMULATOR_FAULTS: &str = "/console/emulator/faults";
/// The journal's live tail (server-sent events).
pub const EMULATOR_TAIL: &str = "/console/emulator/journal/events";

/// Whether `path` is the console's (not journaled, not on any hot path).
pub fn is_console(path: &str) -> bool {
    path == ROOT || path.starts_with("/console/")
}

/// `template` with each `{name}` segment replaced by the next of `args`, percent-encoded.
pub fn fill(template: &str, args: &[&str]) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut args = args.iter();
    for (i, segment) in template.split('/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        if segment.starts_with('{') && segment.ends_with('}') {
            if let Some(arg) = args.next() {
                out.push_str(&dyopen_core::link::percent_encode(arg));
            }
        } else {
            out.push_str(segment);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_are_filled_in_order_and_encoded() {
        assert_eq!(fill(APP, &["tt01"]), "/console/apps/tt01");
        assert_eq!(fill(LINK, &["a/b c"]), "/console/links/a%2Fb%20c");
        assert!(is_console("/console") && is_console("/console/apps"));
        assert!(!is_console("/consoles"));
    }
}
