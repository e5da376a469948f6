//! gwaudit's own model of an account's API Gateway configuration (the snapshot).
//!
//! The collectors translate AWS answers into these types and the rules read only these types,
//! so a snapshot file is a complete, offline input. Conventions:
//! - `Option<Vec<_>>` on a collection means "was it collected?": `None` is "not collected"
//!   (a [`CollectionError`] says why) and is never read as "empty".
//! - Scalar `Option`s mean "not set in AWS".
//! - Every struct rejects unknown fields, so a typo is a load error instead of a silent pass.
//! - Enums the collectors fill from AWS keep a value this version does not know as
//!   [`RawValue`] (see `raw.rs` for what still is a load error); the rules that need the field
//!   answer `unknown`.

mod apigateway;
mod apigatewayv2;
mod arn;
mod cloudtrail;
mod errors;
mod exact;
mod iam;
mod load;
mod logs;
mod method_settings;
mod parallel_parse;
mod portals;
mod private_domains;
mod raw;
mod redact;
mod routing;
mod snapshot;
mod unique;
mod validate;
mod waf;

pub use apigateway::*;
pub use apigatewayv2::*;
pub use arn::ArnFields;
pub use cloudtrail::*;
pub use errors::*;
pub use iam::*;
pub use load::*;
pub use logs::*;
pub use method_settings::*;
pub use portals::*;
pub use private_domains::*;
pub(crate) use raw::keeps_unknown;
pub use raw::{unknown_value_reason, KeepsUnknown, RawValue};
pub use redact::*;
pub use routing::*;
pub use snapshot::*;
use unique::unique_keys;
pub use validate::{is_account_id, is_arn, is_region, PARTITIONS};
pub use waf::*;
