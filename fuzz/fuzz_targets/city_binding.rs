//! City binding (`app_region_add|delete|modify`): body, then the request-alone rules, then the
//! decision against an app with no bindings.
#![no_main]

use dyopen_core::region::{AddBinding, DeleteBinding, ModifyBinding, RegionState};
use dyopen_fuzz::{body, split, NOW};
use dyopen_wire::region::{RegionAddRequest, RegionDeleteRequest, RegionModifyRequest};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((selector, bytes)) = split(data, 6) else {
        return;
    };
    let form = selector >= 3;
    let state = RegionState::default();
    match selector % 3 {
        0 => {
            let Some(r) = body::<RegionAddRequest>(form, bytes) else {
                return;
            };
            if let Ok(cmd) =
                AddBinding::parse(r.bind_type, r.region_id.as_deref(), r.path.as_deref())
            {
                let _ = state.decide_add(&cmd);
            }
        }
        1 => {
            let Some(r) = body::<RegionDeleteRequest>(form, bytes) else {
                return;
            };
            if let Ok(cmd) = DeleteBinding::parse(r.region_id.as_deref(), r.path.as_deref()) {
                let _ = state.decide_delete(&cmd, NOW);
            }
        }
        _ => {
            let Some(r) = body::<RegionModifyRequest>(form, bytes) else {
                return;
            };
            if let Ok(cmd) = ModifyBinding::parse(
                r.origin_region.as_deref(),
                r.current_region.as_deref(),
                r.path.as_deref(),
            ) {
                let _ = state.decide_modify(&cmd, NOW);
            }
        }
    }
});
