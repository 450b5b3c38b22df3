//! What a workload costs through a provider's API.
//!
//! A [`Workload`] is a monthly volume of tokens (input plus visible output) with its mix: the
//! input:output ratio, the share of input tokens that hit the provider's prompt cache, and the
//! hidden reasoning tokens a thinking model produces per visible output token (billed as
//! output). An [`ApiPrice`] is a provider's list price in USD per million tokens.

use crate::data::Price;

use super::{fraction, non_negative, positive, EconError, TOKENS_PER_MTOK};

/// A provider's list price for one model, USD per million tokens.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ApiPrice {
    /// USD per million input tokens (cache miss).
    pub input_usd_per_mtok: f64,
    /// USD per million cached input tokens (cache hit); `None` when the provider offers no
    /// discount, in which case cached input is billed at the input price.
    pub cached_input_usd_per_mtok: Option<f64>,
    /// USD per million output tokens (reasoning tokens included).
    pub output_usd_per_mtok: f64,
}

impl ApiPrice {
    /// The prices of a dataset entry.
    pub fn from_price(price: &Price) -> ApiPrice {
        ApiPrice {
            input_usd_per_mtok: price.input_usd_per_mtok,
            cached_input_usd_per_mtok: price.cached_input_usd_per_mtok,
            output_usd_per_mtok: price.output_usd_per_mtok,
        }
    }

    fn validate(&self) -> Result<(), EconError> {
        non_negative("input_usd_per_mtok", self.input_usd_per_mtok)?;
        if let Some(cached) = self.cached_input_usd_per_mtok {
            non_negative("cached_input_usd_per_mtok", cached)?;
        }
        non_negative("output_usd_per_mtok", self.output_usd_per_mtok)?;
        Ok(())
    }
}

impl From<&Price> for ApiPrice {
    fn from(price: &Price) -> ApiPrice {
        ApiPrice::from_price(price)
    }
}

/// A monthly volume of tokens and its mix.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Workload {
    /// Input plus visible output tokens per month (reasoning tokens come on top, see
    /// [`Workload::reasoning_per_output`]).
    pub tokens_per_month: f64,
    /// Input tokens per visible output token: 3.0 means an input:output ratio of 3:1.
    pub input_per_output: f64,
    /// Fraction of input tokens billed at the cached-input price, `0..=1`.
    pub cached_input_share: f64,
    /// Hidden reasoning tokens per visible output token, billed as output (0 for a model that
    /// does not think).
    pub reasoning_per_output: f64,
}

impl Workload {
    /// A workload of `tokens_per_month` at an input:output ratio of `input_per_output`:1, with no
    /// cache hits and no reasoning tokens.
    pub fn new(tokens_per_month: f64, input_per_output: f64) -> Workload {
        Workload {
            tokens_per_month,
            input_per_output,
            cached_input_share: 0.0,
            reasoning_per_output: 0.0,
        }
    }

    /// The same mix at another monthly volume.
    pub fn with_tokens_per_month(self, tokens_per_month: f64) -> Workload {
        Workload {
            tokens_per_month,
            ..self
        }
    }

    /// Checks every field's range.
    pub fn validate(&self) -> Result<(), EconError> {
        non_negative("tokens_per_month", self.tokens_per_month)?;
        non_negative("input_per_output", self.input_per_output)?;
        fraction("cached_input_share", self.cached_input_share)?;
        non_negative("reasoning_per_output", self.reasoning_per_output)?;
        Ok(())
    }

    /// Share of `tokens_per_month` that is input: r / (r + 1).
    pub fn input_share(&self) -> f64 {
        self.input_per_output / (self.input_per_output + 1.0)
    }

    /// Input tokens per month: V × r / (r + 1).
    pub fn input_tokens(&self) -> f64 {
        self.tokens_per_month * self.input_share()
    }

    /// Visible output tokens per month: V / (r + 1).
    pub fn output_tokens(&self) -> f64 {
        self.tokens_per_month - self.input_tokens()
    }

    /// Hidden reasoning tokens per month: output × reasoning_per_output.
    pub fn reasoning_tokens(&self) -> f64 {
        self.output_tokens() * self.reasoning_per_output
    }

    /// Tokens the model generates per workload token (visible output plus reasoning):
    /// (1 + reasoning_per_output) / (r + 1).
    pub fn generated_per_token(&self) -> f64 {
        (1.0 + self.reasoning_per_output) / (self.input_per_output + 1.0)
    }
}

/// The monthly API bill of a workload, by line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ApiCost {
    /// Uncached input tokens.
    pub input_usd: f64,
    /// Cached input tokens (at the input price when the provider has no cached price).
    pub cached_input_usd: f64,
    /// Visible output tokens.
    pub output_usd: f64,
    /// Hidden reasoning tokens, at the output price.
    pub reasoning_usd: f64,
    /// The sum of the lines.
    pub total_usd: f64,
    /// `total_usd` per million workload tokens (input + visible output).
    pub effective_usd_per_mtok: f64,
    /// False when cached input was billed at the full input price (no cached price offered).
    pub cache_discount_applied: bool,
}

/// The monthly API bill of `workload` at `price`.
///
/// ```
/// use llm_atlas::econ::{api_monthly_cost, ApiPrice, Workload};
/// let gpt_4o = ApiPrice { input_usd_per_mtok: 2.5, cached_input_usd_per_mtok: Some(1.25), output_usd_per_mtok: 10.0 };
/// // 100M tokens at 3:1: 75M input × $2.5 + 25M output × $10 = $187.5 + $250 = $437.5.
/// let cost = api_monthly_cost(&gpt_4o, &Workload::new(100e6, 3.0)).unwrap();
/// assert!((cost.total_usd - 437.5).abs() < 1e-9);
/// ```
pub fn api_monthly_cost(price: &ApiPrice, workload: &Workload) -> Result<ApiCost, EconError> {
    price.validate()?;
    workload.validate()?;
    let input = workload.input_tokens();
    let cached = input * workload.cached_input_share;
    let uncached = input - cached;
    let cached_price = price
        .cached_input_usd_per_mtok
        .unwrap_or(price.input_usd_per_mtok);
    let input_usd = uncached / TOKENS_PER_MTOK * price.input_usd_per_mtok;
    let cached_input_usd = cached / TOKENS_PER_MTOK * cached_price;
    let output_usd = workload.output_tokens() / TOKENS_PER_MTOK * price.output_usd_per_mtok;
    let reasoning_usd = workload.reasoning_tokens() / TOKENS_PER_MTOK * price.output_usd_per_mtok;
    let total_usd = input_usd + cached_input_usd + output_usd + reasoning_usd;
    let effective_usd_per_mtok = if workload.tokens_per_month > 0.0 {
        total_usd / (workload.tokens_per_month / TOKENS_PER_MTOK)
    } else {
        0.0
    };
    Ok(ApiCost {
        input_usd,
        cached_input_usd,
        output_usd,
        reasoning_usd,
        total_usd,
        effective_usd_per_mtok,
        cache_discount_applied: price.cached_input_usd_per_mtok.is_some()
            || workload.cached_input_share == 0.0,
    })
}

/// USD per million workload tokens of a mix, whatever the volume: the API bill is linear in
/// the volume, so this is the slope of cost against tokens.
pub fn workload_usd_per_mtok(price: &ApiPrice, mix: &Workload) -> Result<f64, EconError> {
    let cost = api_monthly_cost(price, &mix.with_tokens_per_month(TOKENS_PER_MTOK))?;
    Ok(cost.total_usd)
}

/// The blended price per million tokens at an input:output ratio of `input_per_output`:1
/// (no cache, no reasoning): (r × input + output) / (r + 1).
///
/// ```
/// use llm_atlas::econ::{blended_usd_per_mtok, ApiPrice};
/// let sonnet = ApiPrice { input_usd_per_mtok: 3.0, cached_input_usd_per_mtok: None, output_usd_per_mtok: 15.0 };
/// // (3 × 3 + 15) / 4 = 6.
/// assert_eq!(blended_usd_per_mtok(&sonnet, 3.0).unwrap(), 6.0);
/// ```
pub fn blended_usd_per_mtok(price: &ApiPrice, input_per_output: f64) -> Result<f64, EconError> {
    price.validate()?;
    non_negative("input_per_output", input_per_output)?;
    Ok(
        (input_per_output * price.input_usd_per_mtok + price.output_usd_per_mtok)
            / (input_per_output + 1.0),
    )
}

/// The fraction saved by paying `new_usd_per_mtok` instead of `old_usd_per_mtok`:
/// 1 − new / old (negative when the new price is higher).
///
/// ```
/// use llm_atlas::econ::savings_fraction;
/// // 1 − 0.5 / 15 = 0.9667.
/// assert!((savings_fraction(15.0, 0.5).unwrap() - 0.966_666_7).abs() < 1e-6);
/// ```
pub fn savings_fraction(old_usd_per_mtok: f64, new_usd_per_mtok: f64) -> Result<f64, EconError> {
    positive("old_usd_per_mtok", old_usd_per_mtok)?;
    non_negative("new_usd_per_mtok", new_usd_per_mtok)?;
    Ok(1.0 - new_usd_per_mtok / old_usd_per_mtok)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::econ::assert_close;

    const O3: ApiPrice = ApiPrice {
        input_usd_per_mtok: 2.0,
        cached_input_usd_per_mtok: Some(0.5),
        output_usd_per_mtok: 8.0,
    };
    const SONNET: ApiPrice = ApiPrice {
        input_usd_per_mtok: 3.0,
        cached_input_usd_per_mtok: None,
        output_usd_per_mtok: 15.0,
    };

    #[test]
    fn split_of_a_workload() {
        // 10M tokens at 4:1 → input 10 × 4/5 = 8M, output 10 × 1/5 = 2M;
        // 1.5 reasoning tokens per output token → 3M reasoning tokens.
        let w = Workload {
            tokens_per_month: 10e6,
            input_per_output: 4.0,
            cached_input_share: 0.0,
            reasoning_per_output: 1.5,
        };
        assert_close(w.input_tokens(), 8e6, 1e-6);
        assert_close(w.output_tokens(), 2e6, 1e-6);
        assert_close(w.reasoning_tokens(), 3e6, 1e-6);
        // (1 + 1.5) / 5 = 0.5 generated tokens per workload token.
        assert_close(w.generated_per_token(), 0.5, 1e-12);
    }

    #[test]
    fn bill_with_cache_and_reasoning() {
        // 20M tokens at 3:1 with o3's prices, 40% cache hits, 2 reasoning tokens per output token:
        // input 15M: cached 6M × $0.5 = $3; uncached 9M × $2 = $18;
        // output 5M × $8 = $40; reasoning 10M × $8 = $80; total $141 → $141 / 20 = $7.05 per M.
        let w = Workload {
            tokens_per_month: 20e6,
            input_per_output: 3.0,
            cached_input_share: 0.4,
            reasoning_per_output: 2.0,
        };
        let c = api_monthly_cost(&O3, &w).unwrap();
        assert_close(c.cached_input_usd, 3.0, 1e-9);
        assert_close(c.input_usd, 18.0, 1e-9);
        assert_close(c.output_usd, 40.0, 1e-9);
        assert_close(c.reasoning_usd, 80.0, 1e-9);
        assert_close(c.total_usd, 141.0, 1e-9);
        assert_close(c.effective_usd_per_mtok, 7.05, 1e-12);
        assert!(c.cache_discount_applied);
    }

    #[test]
    fn cached_input_without_a_cached_price_is_billed_in_full() {
        // Sonnet in our data has no cached price: 4M tokens at 1:1, 50% "cached":
        // 2M input × $3 = $6 (1M + 1M, both at $3), 2M output × $15 = $30 → $36.
        let w = Workload {
            tokens_per_month: 4e6,
            input_per_output: 1.0,
            cached_input_share: 0.5,
            reasoning_per_output: 0.0,
        };
        let c = api_monthly_cost(&SONNET, &w).unwrap();
        assert_close(c.input_usd + c.cached_input_usd, 6.0, 1e-9);
        assert_close(c.total_usd, 36.0, 1e-9);
        assert!(!c.cache_discount_applied);
    }

    #[test]
    fn blended_price_and_slope_agree() {
        // o3 at 3:1: (3 × 2 + 8) / 4 = 3.5.
        assert_close(blended_usd_per_mtok(&O3, 3.0).unwrap(), 3.5, 1e-12);
        assert_close(
            workload_usd_per_mtok(&O3, &Workload::new(0.0, 3.0)).unwrap(),
            3.5,
            1e-12,
        );
        // Output only (ratio 0): the output price.
        assert_close(blended_usd_per_mtok(&SONNET, 0.0).unwrap(), 15.0, 1e-12);
    }

    #[test]
    fn savings() {
        // 1 − 2 / 8 = 0.75; a dearer price saves a negative fraction: 1 − 12 / 8 = −0.5.
        assert_close(savings_fraction(8.0, 2.0).unwrap(), 0.75, 1e-12);
        assert_close(savings_fraction(8.0, 12.0).unwrap(), -0.5, 1e-12);
        assert!(savings_fraction(0.0, 1.0).is_err());
    }

    #[test]
    fn invalid_inputs_are_typed_errors() {
        let w = Workload {
            cached_input_share: 1.2,
            ..Workload::new(1e6, 3.0)
        };
        assert_eq!(
            api_monthly_cost(&O3, &w).unwrap_err(),
            EconError::Invalid {
                field: "cached_input_share",
                value: 1.2,
                expected: "between 0 and 1"
            }
        );
        let bad = ApiPrice {
            output_usd_per_mtok: -1.0,
            ..O3
        };
        assert!(api_monthly_cost(&bad, &Workload::new(1e6, 3.0)).is_err());
    }
}
