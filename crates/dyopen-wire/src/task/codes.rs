//! The task APIs' enumerated codes ([`TaskStatus`], [`TalentOp`]), serialised as the integers the
//! platform sends.

use serde::{Deserialize, Serialize};

/// A platform code the enum does not define.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnknownCode(pub i64);

impl std::fmt::Display for UnknownCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "unknown code {}", self.0)
    }
}

impl std::error::Error for UnknownCode {}

/// An enum of platform codes, serialised as the integer the platform sends. Request fields keep
/// the raw integer (`FlexInt`, `i64`): the server answers an undefined code with its own error,
/// and a client builds the field with `code()`.
macro_rules! platform_codes {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $code:literal,)+ }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vdoc])* $variant,)+
        }

        impl $name {
            /// The platform's code.
            pub fn code(self) -> i64 {
                match self {
                    $(Self::$variant => $code,)+
                }
            }
        }

        impl TryFrom<i64> for $name {
            type Error = UnknownCode;
            fn try_from(code: i64) -> Result<Self, UnknownCode> {
                match code {
                    $($code => Ok(Self::$variant),)+
                    _ => Err(UnknownCode(code)),
                }
            }
        }

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_i64(self.code())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let code = i64::deserialize(d)?;
                Self::try_from(code).map_err(serde::de::Error::custom)
            }
        }
    };
}

platform_codes! {
    /// A task's status (`task_status` of `update_status`, `status` of `query_task_info`).
    ///
    /// ```
    /// use dyopen_wire::task::TaskStatus;
    /// assert_eq!(TaskStatus::Terminated.code(), 3);
    /// assert_eq!(serde_json::to_string(&TaskStatus::Paused).unwrap(), "2");
    /// ```
    TaskStatus {
        /// 1.
        Running = 1,
        /// 2.
        Paused = 2,
        /// 3 (final).
        Terminated = 3,
    }
}

platform_codes! {
    /// What `update_orient_talents` does to its ids (`op_type`).
    ///
    /// ```
    /// use dyopen_wire::task::TalentOp;
    /// assert_eq!(TalentOp::try_from(2), Ok(TalentOp::Cancel));
    /// assert!(TalentOp::try_from(3).is_err());
    /// ```
    TalentOp {
        /// 1: add talents to the task.
        Add = 1,
        /// 2: cancel their cooperation.
        Cancel = 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_and_op_codes_round_trip_as_integers_and_reject_others() {
        for (status, code) in [
            (TaskStatus::Running, 1),
            (TaskStatus::Paused, 2),
            (TaskStatus::Terminated, 3),
        ] {
            assert_eq!(status.code(), code);
            assert_eq!(serde_json::to_string(&status).unwrap(), code.to_string());
            assert_eq!(
                serde_json::from_str::<TaskStatus>(&code.to_string()).unwrap(),
                status
            );
        }
        for (op, code) in [(TalentOp::Add, 1), (TalentOp::Cancel, 2)] {
            assert_eq!(TalentOp::try_from(code), Ok(op));
            assert_eq!(serde_json::to_string(&op).unwrap(), code.to_string());
        }
        assert_eq!(TaskStatus::try_from(0), Err(UnknownCode(0)));
        assert!(serde_json::from_str::<TaskStatus>("4").is_err());
        assert!(serde_json::from_str::<TalentOp>("3").is_err());
    }
}
