//! Break-even volume between an API and a self-hosted node, and payback months of a purchase.
//!
//! The API bill is linear in the volume: `api(V) = p × V`, with `p` the API's price per
//! workload token for the mix. A self-hosted node costs the same `C` per month whatever it
//! serves, up to its capacity `K`; more volume needs another node, so
//! `self(V) = ceil(V / K) × C`, a step function.
//!
//! - The first break-even is `V* = C / p`, provided `V* <= K` (one node can serve it).
//! - When `V* > K` the node's cost per token at full capacity, `C / K`, is above `p`. Every
//!   extra node has the same cost per token, so no volume breaks even.
//! - Above `V*` self-hosting is cheaper on `[k V*, k K]` for `k` nodes. These intervals join up
//!   from `k0 = ceil(r / (1 − r))` nodes on, where `r = V* / K`. From `k0 × V*` up,
//!   self-hosting is cheaper at every volume. Just above each multiple of `K` below that, a new
//!   node is bought and the API is cheaper again.

use super::api_cost::{api_monthly_cost, workload_usd_per_mtok, ApiPrice, Workload};
use super::self_host::{HardwareCost, SelfHostPlan};
use super::{positive, EconError, TOKENS_PER_MTOK};
use crate::format::short_count;

/// Where self-hosting starts to pay.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BreakEven {
    /// The break-even volume `V* = C / p`, workload tokens per month.
    pub tokens_per_month: f64,
    /// The API's price per million workload tokens for the mix (`p`).
    pub api_usd_per_mtok: f64,
    /// One node's monthly cost (`C`).
    pub node_usd_per_month: f64,
    /// One node's capacity for the mix (`K`).
    pub node_capacity_tokens_per_month: f64,
    /// `V* / K`: how busy the node is at break-even.
    pub share_of_capacity: f64,
    /// The volume from which self-hosting is cheaper (or equal) at every volume, counting the
    /// extra nodes. `None` when `V* = K`: then only whole multiples of `K` break even.
    pub cheaper_at_every_volume_from: Option<f64>,
}

/// Why there is no break-even volume.
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
pub enum NoBreakEven {
    /// The API costs nothing for this mix.
    #[error("no break-even: the API costs nothing for this workload")]
    ApiFree,
    /// The break-even volume is beyond what one node can serve. The node's cost per token at
    /// full capacity is then above the API price, and more nodes cost the same per token.
    #[error(
        "no break-even: it would take {} tokens/month but a node serves {}; at capacity \
         self-hosting costs ${self_host_usd_per_mtok_at_capacity:.2}/M vs the API's ${api_usd_per_mtok:.2}/M",
        short_count(*.break_even_tokens_per_month),
        short_count(*.node_capacity_tokens_per_month)
    )]
    BeyondCapacity {
        /// `C / p`, the volume at which one node's cost would equal the API bill.
        break_even_tokens_per_month: f64,
        /// `K`.
        node_capacity_tokens_per_month: f64,
        /// `C / K`, per million tokens.
        self_host_usd_per_mtok_at_capacity: f64,
        /// `p`, per million tokens.
        api_usd_per_mtok: f64,
    },
}

/// A break-even volume, or the reason there is none.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum BreakEvenOutcome {
    /// Self-hosting pays from this volume on (see [`BreakEven`] for the steps above it).
    Found(BreakEven),
    /// It never does, for this reason.
    NotFound(NoBreakEven),
}

impl BreakEvenOutcome {
    /// The break-even volume in tokens per month, if there is one.
    pub fn tokens_per_month(&self) -> Option<f64> {
        match self {
            BreakEvenOutcome::Found(b) => Some(b.tokens_per_month),
            BreakEvenOutcome::NotFound(_) => None,
        }
    }
}

/// The monthly volume at which `plan` costs as much as `price` for the mix of `mix` (its
/// volume is ignored).
///
/// ```
/// use llm_atlas::econ::{break_even, ApiPrice, HardwareCost, OpsCost, Quant, SelfHostPlan, ThroughputInput, Workload};
/// let plan = SelfHostPlan {
///     hardware: HardwareCost::Cloud { usd_per_device_hour: 2.95, hours_per_month: 730.0 },
///     watts_per_device: 0.0, usd_per_kwh: 0.0, utilization: 1.0, ops: OpsCost::UsdPerMonth(0.0),
///     throughput: ThroughputInput::new(3350.0, 27.0, Quant::Q4KM),
/// };
/// let sonnet = ApiPrice { input_usd_per_mtok: 3.0, cached_input_usd_per_mtok: None, output_usd_per_mtok: 15.0 };
/// // $2,153.50 per month / $6 per million (3:1 blend) = 358.9M tokens per month.
/// let v = break_even(&sonnet, &plan, &Workload::new(0.0, 3.0)).unwrap().tokens_per_month().unwrap();
/// assert!((v / 1e6 - 358.92).abs() < 0.01);
/// ```
pub fn break_even(
    price: &ApiPrice,
    plan: &SelfHostPlan,
    mix: &Workload,
) -> Result<BreakEvenOutcome, EconError> {
    let api_usd_per_mtok = workload_usd_per_mtok(price, mix)?;
    let cost = plan.monthly_cost(&mix.with_tokens_per_month(0.0))?;
    let node = cost.node_usd_per_month;
    let capacity = cost.capacity_tokens_per_month;
    if api_usd_per_mtok <= 0.0 {
        return Ok(BreakEvenOutcome::NotFound(NoBreakEven::ApiFree));
    }
    let v_star = node / api_usd_per_mtok * TOKENS_PER_MTOK;
    if v_star > capacity * (1.0 + 1e-12) {
        return Ok(BreakEvenOutcome::NotFound(NoBreakEven::BeyondCapacity {
            break_even_tokens_per_month: v_star,
            node_capacity_tokens_per_month: capacity,
            self_host_usd_per_mtok_at_capacity: cost.usd_per_mtok_at_capacity,
            api_usd_per_mtok,
        }));
    }
    let r = v_star / capacity;
    let cheaper_at_every_volume_from = if r < 1.0 - 1e-12 {
        let k0 = (r / (1.0 - r) * (1.0 - 1e-12)).ceil().max(1.0);
        Some(k0 * v_star)
    } else {
        None
    };
    Ok(BreakEvenOutcome::Found(BreakEven {
        tokens_per_month: v_star,
        api_usd_per_mtok,
        node_usd_per_month: node,
        node_capacity_tokens_per_month: capacity,
        share_of_capacity: r,
        cheaper_at_every_volume_from,
    }))
}

/// Monthly API bill and self-hosting cost at one volume (for cost-vs-volume charts).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CostPoint {
    /// Workload tokens per month.
    pub tokens_per_month: f64,
    /// API bill.
    pub api_usd: f64,
    /// Self-hosting cost with the nodes the volume needs.
    pub self_host_usd: f64,
    /// Nodes the volume needs.
    pub nodes: u32,
}

/// Both costs at each volume in `volumes` (tokens per month), for the mix of `mix`.
pub fn cost_points(
    price: &ApiPrice,
    plan: &SelfHostPlan,
    mix: &Workload,
    volumes: &[f64],
) -> Result<Vec<CostPoint>, EconError> {
    volumes
        .iter()
        .map(|&v| {
            let w = mix.with_tokens_per_month(v);
            let api = api_monthly_cost(price, &w)?;
            let own = plan.monthly_cost(&w)?;
            Ok(CostPoint {
                tokens_per_month: v,
                api_usd: api.total_usd,
                self_host_usd: own.total_usd_per_month,
                nodes: own.nodes,
            })
        })
        .collect()
}

/// How long bought hardware takes to pay for itself.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Payback {
    /// upfront / monthly saving.
    pub months: f64,
    /// Purchase price of all nodes the volume needs: nodes × devices × price per device.
    pub upfront_usd: f64,
    /// The API bill avoided each month.
    pub monthly_api_usd: f64,
    /// Power and operations of all nodes each month.
    pub monthly_running_usd: f64,
    /// API bill − running cost.
    pub monthly_saving_usd: f64,
    /// Nodes the volume needs.
    pub nodes: u32,
}

/// Why bought hardware never pays for itself.
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
pub enum NoPayback {
    /// The plan rents its hardware: there is nothing to pay back.
    #[error("no payback: the hardware is rented, not bought")]
    NotPurchased,
    /// Power and operations alone cost at least as much as the API.
    #[error("never pays back: running costs ${monthly_running_usd:.2}/month vs an API bill of ${monthly_api_usd:.2}/month")]
    RunningCostsExceedApi {
        /// The API bill avoided each month.
        monthly_api_usd: f64,
        /// Power and operations each month.
        monthly_running_usd: f64,
    },
}

/// Payback months, or the reason there are none.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PaybackOutcome {
    /// It pays back after this many months.
    Months(Payback),
    /// It never does.
    Never(NoPayback),
}

impl PaybackOutcome {
    /// The payback months, if any.
    pub fn months(&self) -> Option<f64> {
        match self {
            PaybackOutcome::Months(p) => Some(p.months),
            PaybackOutcome::Never(_) => None,
        }
    }
}

/// Months until buying `plan`'s hardware (as many nodes as `workload` needs) costs less than
/// paying `price` for `workload`: upfront / (API bill − power − operations). Amortization plays
/// no part: the purchase is paid upfront.
///
/// ```
/// use llm_atlas::econ::{payback, ApiPrice, HardwareCost, OpsCost, Quant, SelfHostPlan, ThroughputInput, Workload};
/// let mut throughput = ThroughputInput::new(3350.0, 17.0, Quant::Q8_0);
/// throughput.devices = 8;
/// let plan = SelfHostPlan {
///     hardware: HardwareCost::Purchase { usd_per_device: 25_000.0, amortization_months: 36.0 },
///     watts_per_device: 0.0, usd_per_kwh: 0.0, utilization: 0.5, ops: OpsCost::UsdPerMonth(0.0),
///     throughput,
/// };
/// let gpt_4o = ApiPrice { input_usd_per_mtok: 2.5, cached_input_usd_per_mtok: Some(1.25), output_usd_per_mtok: 10.0 };
/// // $200,000 / ($4.375 × 1,000) per month = 45.7 months.
/// let months = payback(&gpt_4o, &plan, &Workload::new(1e9, 3.0)).unwrap().months().unwrap();
/// assert!((months - 45.714).abs() < 0.001);
/// ```
pub fn payback(
    price: &ApiPrice,
    plan: &SelfHostPlan,
    workload: &Workload,
) -> Result<PaybackOutcome, EconError> {
    let api = api_monthly_cost(price, workload)?;
    let own = plan.monthly_cost(workload)?;
    let usd_per_device = match plan.hardware {
        HardwareCost::Purchase { usd_per_device, .. } => usd_per_device,
        HardwareCost::Cloud { .. } => return Ok(PaybackOutcome::Never(NoPayback::NotPurchased)),
    };
    let nodes = own.nodes;
    let upfront_usd = f64::from(nodes) * f64::from(plan.devices()) * usd_per_device;
    let monthly_running_usd = f64::from(nodes) * plan.running_usd_per_month();
    let monthly_saving_usd = api.total_usd - monthly_running_usd;
    if monthly_saving_usd <= 0.0 {
        return Ok(PaybackOutcome::Never(NoPayback::RunningCostsExceedApi {
            monthly_api_usd: api.total_usd,
            monthly_running_usd,
        }));
    }
    Ok(PaybackOutcome::Months(Payback {
        months: upfront_usd / monthly_saving_usd,
        upfront_usd,
        monthly_api_usd: api.total_usd,
        monthly_running_usd,
        monthly_saving_usd,
        nodes,
    }))
}

/// The API price per million workload tokens at which buying `plan`'s hardware pays back in
/// `months` at `workload`'s volume: (upfront / months + running) / volume in millions.
pub fn api_usd_per_mtok_for_payback(
    plan: &SelfHostPlan,
    workload: &Workload,
    months: f64,
) -> Result<f64, EconError> {
    positive("months", months)?;
    positive("tokens_per_month", workload.tokens_per_month)?;
    let own = plan.monthly_cost(workload)?;
    let usd_per_device = match plan.hardware {
        HardwareCost::Purchase { usd_per_device, .. } => usd_per_device,
        HardwareCost::Cloud { .. } => return Err(EconError::NotPurchased),
    };
    let nodes = f64::from(own.nodes);
    let upfront = nodes * f64::from(plan.devices()) * usd_per_device;
    let running = nodes * plan.running_usd_per_month();
    Ok((upfront / months + running) / (workload.tokens_per_month / TOKENS_PER_MTOK))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::econ::self_host::{OpsCost, ThroughputInput};
    use crate::econ::{assert_close, Quant};

    /// A node of $1,000 per month serving exactly 100M output tokens per month: one device of
    /// 1,000 GB/s, efficiency 1, a model reading 26.28 GB per token → 1,000 / 26.28 tok/s ×
    /// 2,628,000 s = 100,000,000 tokens.
    fn plan(usd_per_month: f64) -> SelfHostPlan {
        let mut throughput = ThroughputInput::new(1000.0, 26.28, Quant::Q8_0);
        throughput.bits_per_weight = 8.0;
        throughput.efficiency = 1.0;
        SelfHostPlan {
            hardware: HardwareCost::Purchase {
                usd_per_device: usd_per_month * 10.0,
                amortization_months: 10.0,
            },
            watts_per_device: 0.0,
            usd_per_kwh: 0.0,
            utilization: 1.0,
            ops: OpsCost::UsdPerMonth(0.0),
            throughput,
        }
    }

    fn output_price(usd_per_mtok: f64) -> ApiPrice {
        ApiPrice {
            input_usd_per_mtok: 0.0,
            cached_input_usd_per_mtok: None,
            output_usd_per_mtok: usd_per_mtok,
        }
    }

    const OUTPUT_ONLY: Workload = Workload {
        tokens_per_month: 0.0,
        input_per_output: 0.0,
        cached_input_share: 0.0,
        reasoning_per_output: 0.0,
    };

    #[test]
    fn fixture_capacity() {
        let cap = plan(1000.0)
            .capacity_tokens_per_month(&OUTPUT_ONLY)
            .unwrap();
        assert_close(cap, 100e6, 1e-3);
    }

    #[test]
    fn break_even_within_capacity_and_the_steps_above_it() {
        // C = $1,000, p = $12.5/M → V* = 1,000 / 12.5 = 80M tokens, r = 0.8 of K = 100M.
        // k0 = ceil(0.8 / 0.2) = 4 → cheaper at every volume from 4 × 80M = 320M.
        let out = break_even(&output_price(12.5), &plan(1000.0), &OUTPUT_ONLY).unwrap();
        let BreakEvenOutcome::Found(b) = out else {
            panic!("{out:?}")
        };
        assert_close(b.tokens_per_month, 80e6, 1e-3);
        assert_close(b.share_of_capacity, 0.8, 1e-9);
        assert_close(b.cheaper_at_every_volume_from.unwrap(), 320e6, 1e-3);
        // Check the steps with the cost curves: at 310M the API ($3,875) beats 4 nodes ($4,000);
        // at 290M 3 nodes ($3,000) beat the API ($3,625); at 330M 4 nodes beat $4,125.
        let pts = cost_points(
            &output_price(12.5),
            &plan(1000.0),
            &OUTPUT_ONLY,
            &[290e6, 310e6, 330e6],
        )
        .unwrap();
        assert!(pts[0].self_host_usd < pts[0].api_usd);
        assert_eq!(pts[1].nodes, 4);
        assert_close(pts[1].api_usd, 3875.0, 1e-6);
        assert!(pts[1].self_host_usd > pts[1].api_usd);
        assert!(pts[2].self_host_usd < pts[2].api_usd);
    }

    #[test]
    fn cheap_api_breaks_even_at_once_merged() {
        // p = $40/M → V* = 25M, r = 0.25, k0 = ceil(0.25 / 0.75) = 1 → from 25M on.
        let out = break_even(&output_price(40.0), &plan(1000.0), &OUTPUT_ONLY).unwrap();
        let BreakEvenOutcome::Found(b) = out else {
            panic!("{out:?}")
        };
        assert_close(b.tokens_per_month, 25e6, 1e-3);
        assert_close(b.cheaper_at_every_volume_from.unwrap(), 25e6, 1e-3);
    }

    #[test]
    fn no_break_even_beyond_capacity() {
        // p = $8/M → V* = 125M > K = 100M: at capacity the node costs $10/M > $8/M.
        let out = break_even(&output_price(8.0), &plan(1000.0), &OUTPUT_ONLY).unwrap();
        assert_eq!(out.tokens_per_month(), None);
        let BreakEvenOutcome::NotFound(NoBreakEven::BeyondCapacity {
            break_even_tokens_per_month,
            self_host_usd_per_mtok_at_capacity,
            ..
        }) = out
        else {
            panic!("{out:?}")
        };
        assert_close(break_even_tokens_per_month, 125e6, 1e-3);
        assert_close(self_host_usd_per_mtok_at_capacity, 10.0, 1e-9);
        let free = break_even(&output_price(0.0), &plan(1000.0), &OUTPUT_ONLY).unwrap();
        assert_eq!(free, BreakEvenOutcome::NotFound(NoBreakEven::ApiFree));
    }

    #[test]
    fn payback_months() {
        // Upfront $10,000 (plan(1000) amortizes $10,000 over 10 months); running: ops $200/month.
        // 50M tokens at $12.5/M = $625/month → saving $425 → 10,000 / 425 = 23.53 months.
        let mut p = plan(1000.0);
        p.ops = OpsCost::UsdPerMonth(200.0);
        let w = OUTPUT_ONLY.with_tokens_per_month(50e6);
        let PaybackOutcome::Months(pb) = payback(&output_price(12.5), &p, &w).unwrap() else {
            panic!()
        };
        assert_close(pb.months, 10_000.0 / 425.0, 1e-9);
        assert_eq!(pb.nodes, 1);
        // 150M tokens need 2 nodes: upfront $20,000, running $400, API $1,875 → 20,000 / 1,475 = 13.56.
        let w = OUTPUT_ONLY.with_tokens_per_month(150e6);
        let PaybackOutcome::Months(pb) = payback(&output_price(12.5), &p, &w).unwrap() else {
            panic!()
        };
        assert_eq!(pb.nodes, 2);
        assert_close(pb.months, 20_000.0 / 1475.0, 1e-9);
        // The price for a 10-month payback at 150M: (20,000 / 10 + 400) / 150 = $16/M.
        assert_close(
            api_usd_per_mtok_for_payback(&p, &w, 10.0).unwrap(),
            16.0,
            1e-9,
        );
        // At 10M tokens the API bill ($125) is below the $200 running cost: never.
        let w = OUTPUT_ONLY.with_tokens_per_month(10e6);
        assert!(matches!(
            payback(&output_price(12.5), &p, &w).unwrap(),
            PaybackOutcome::Never(NoPayback::RunningCostsExceedApi { .. })
        ));
        // Rented hardware has no payback.
        p.hardware = HardwareCost::Cloud {
            usd_per_device_hour: 1.0,
            hours_per_month: 730.0,
        };
        assert_eq!(
            payback(&output_price(12.5), &p, &w).unwrap(),
            PaybackOutcome::Never(NoPayback::NotPurchased)
        );
        assert_eq!(
            api_usd_per_mtok_for_payback(&p, &w, 10.0),
            Err(EconError::NotPurchased)
        );
    }

    #[test]
    fn no_break_even_reads_volumes_in_short_form() {
        let e = NoBreakEven::BeyondCapacity {
            break_even_tokens_per_month: 66_396_123.0,
            node_capacity_tokens_per_month: 60_210_727.0,
            self_host_usd_per_mtok_at_capacity: 1.0625,
            api_usd_per_mtok: 0.96,
        };
        assert_eq!(
            e.to_string(),
            "no break-even: it would take 66.4M tokens/month but a node serves 60.2M; at capacity \
             self-hosting costs $1.06/M vs the API's $0.96/M"
        );
    }
}
