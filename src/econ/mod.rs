//! Economics of running a language model: API cost of a workload, self-hosting cost and
//! capacity, break-even volume and payback, and the memory a model needs at a quantization.
//!
//! Pure Rust over plain numbers (no UI types, no I/O), so every formula is unit-tested natively.
//! Units are in the names: `usd`, `usd_per_mtok` (US dollars per million tokens), `gb`
//! (decimal gigabytes, 10^9 bytes, as the dataset's `memory_gb` and `bandwidth_gbs`), `tok_s`
//! (tokens per second), `_per_month` (a month is [`HOURS_PER_MONTH`] hours).
//!
//! - [`api_cost`]: what a workload costs through a provider's API.
//! - [`self_host`]: decode throughput from memory bandwidth, monthly capacity and cost of a node.
//! - [`breakeven`]: the volume where self-hosting starts to pay, and payback months of a purchase.
//! - [`vram`]: weights + KV cache + overhead per quantization, and fit verdicts per setup.
//! - [`method`]: every formula and assumption above as data, for the `/about` page.

pub mod api_cost;
pub mod breakeven;
pub mod method;
pub mod self_host;
pub mod vram;

pub use api_cost::{
    api_monthly_cost, blended_usd_per_mtok, savings_fraction, workload_usd_per_mtok, ApiCost,
    ApiPrice, Workload,
};
pub use breakeven::{
    api_usd_per_mtok_for_payback, break_even, cost_points, payback, BreakEven, BreakEvenOutcome,
    CostPoint, NoBreakEven, NoPayback, Payback, PaybackOutcome,
};
pub use method::{MethodSection, METHOD};
pub use self_host::{
    decode_throughput, HardwareCost, OpsCost, Parallelism, SelfHostCost, SelfHostPlan, Throughput,
    ThroughputInput,
};
pub use vram::{
    active_params_b, estimate_memory, estimate_model_memory, estimate_model_memory_or_weights, fit,
    memory_by_quant, weights_gb, Fit, KvCacheType, KvHeads, KvLayout, MemoryBound, MemoryEstimate,
    MemoryOptions, Overhead, Quant, Setup, SlidingWindow, VramError, UNIFIED_USABLE_FRACTION,
};

/// Hours in an average month: 365 × 24 / 12 = 730.
pub const HOURS_PER_MONTH: f64 = 730.0;

/// Seconds in an average month: 730 × 3,600 = 2,628,000.
pub const SECONDS_PER_MONTH: f64 = HOURS_PER_MONTH * 3600.0;

/// Tokens in one million, the unit of API prices.
pub const TOKENS_PER_MTOK: f64 = 1_000_000.0;

/// Bytes in a (decimal) gigabyte.
pub const BYTES_PER_GB: f64 = 1e9;

/// An input the calculators cannot work with.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EconError {
    /// A number is out of its valid range (negative, zero where a divisor is needed, a
    /// fraction above 1, not finite).
    #[error("{field} = {value} is invalid: must be {expected}")]
    Invalid {
        /// The input's name, as in the struct field.
        field: &'static str,
        /// The value given.
        value: f64,
        /// The valid range in words, e.g. "> 0" or "between 0 and 1".
        expected: &'static str,
    },
    /// A purchase-only calculation (payback) was given rented hardware.
    #[error("the plan rents its hardware: there is no purchase to pay back")]
    NotPurchased,
}

/// `value` must be finite and `>= 0`.
pub(crate) fn non_negative(field: &'static str, value: f64) -> Result<f64, EconError> {
    if value.is_finite() && value >= 0.0 {
        Ok(value)
    } else {
        Err(EconError::Invalid {
            field,
            value,
            expected: ">= 0 and finite",
        })
    }
}

/// `value` must be finite and `> 0`.
pub(crate) fn positive(field: &'static str, value: f64) -> Result<f64, EconError> {
    if value.is_finite() && value > 0.0 {
        Ok(value)
    } else {
        Err(EconError::Invalid {
            field,
            value,
            expected: "> 0 and finite",
        })
    }
}

/// `value` must be in `0..=1`.
pub(crate) fn fraction(field: &'static str, value: f64) -> Result<f64, EconError> {
    if (0.0..=1.0).contains(&value) {
        Ok(value)
    } else {
        Err(EconError::Invalid {
            field,
            value,
            expected: "between 0 and 1",
        })
    }
}

/// `value` must be in `(0, 1]`.
pub(crate) fn positive_fraction(field: &'static str, value: f64) -> Result<f64, EconError> {
    if value > 0.0 && value <= 1.0 {
        Ok(value)
    } else {
        Err(EconError::Invalid {
            field,
            value,
            expected: "greater than 0 and at most 1",
        })
    }
}

#[cfg(test)]
pub(crate) fn assert_close(actual: f64, expected: f64, tolerance: f64) {
    assert!(
        (actual - expected).abs() <= tolerance,
        "expected {expected} ± {tolerance}, got {actual}"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_constants() {
        // 365 days × 24 h / 12 months = 730 h; × 3600 s = 2,628,000 s.
        assert_eq!(HOURS_PER_MONTH, 365.0 * 24.0 / 12.0);
        assert_eq!(SECONDS_PER_MONTH, 2_628_000.0);
    }

    #[test]
    fn validators_reject_out_of_range() {
        assert!(non_negative("x", 0.0).is_ok());
        assert!(non_negative("x", -1.0).is_err());
        assert!(non_negative("x", f64::NAN).is_err());
        assert!(positive("x", 0.0).is_err());
        assert!(positive("x", f64::INFINITY).is_err());
        assert!(fraction("x", 1.0).is_ok());
        assert!(fraction("x", 1.01).is_err());
        assert!(positive_fraction("x", 0.0).is_err());
        let err = positive("devices", -2.0).unwrap_err();
        assert_eq!(
            err.to_string(),
            "devices = -2 is invalid: must be > 0 and finite"
        );
    }
}
