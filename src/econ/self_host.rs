//! Self-hosting: decode throughput from memory bandwidth, monthly capacity of a node, and what
//! the node costs per month and per million tokens.
//!
//! ```text
//! bytes_per_token_gb  = active_params_b × bits_per_weight / 8
//! single_stream_tok_s = bandwidth_gbs (× devices with tensor parallelism) × efficiency / bytes_per_token_gb
//! decode_tok_s        = single_stream_tok_s × batching_factor
//! prefill_tok_s       = single_stream_tok_s × prefill_speedup
//! seconds per workload token = generated_per_token / decode_tok_s + input_share / prefill_tok_s
//! capacity_tokens_per_month  = utilization × serving_hours × 3,600 / seconds per workload token
//! usd_per_month       = hardware (amortized purchase or rent) + power + operations
//! ```

use super::api_cost::Workload;
use super::{
    fraction, non_negative, positive, positive_fraction, EconError, HOURS_PER_MONTH,
    TOKENS_PER_MTOK,
};
use crate::data::{Hardware, Model};
use crate::econ::vram::{active_params_b, Quant, VramError};

/// How a model is spread over several devices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Parallelism {
    /// Every layer is split over all devices (vLLM, TensorRT-LLM `--tensor-parallel-size`):
    /// each device reads its share of a token's weights at the same time, so bandwidth adds up
    /// (interconnect latency ignored).
    TensorParallel,
    /// Whole layers per device (llama.cpp's default split, pipeline parallelism): one token
    /// visits the devices in turn, so a single stream runs at one device's bandwidth; the extra
    /// devices add memory, not speed (overlapping micro-batches is not modelled).
    LayerSplit,
}

/// Inputs of the decode-speed estimate. Every field is a stated assumption of the caller;
/// [`ThroughputInput::new`] fills in the defaults.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ThroughputInput {
    /// Peak memory bandwidth of one device in GB/s (the dataset's `bandwidth_gbs`).
    pub bandwidth_gbs_per_device: f64,
    /// Devices in the node.
    pub devices: u32,
    /// How the model is spread over them.
    pub parallelism: Parallelism,
    /// Parameters read per generated token, in billions (active parameters of a MoE model).
    pub active_params_b: f64,
    /// Bits per weight of the quantization (see [`Quant::bits_per_weight`]).
    pub bits_per_weight: f64,
    /// Fraction of peak bandwidth decode reaches, `(0, 1]`.
    pub efficiency: f64,
    /// Throughput multiplier from serving several sequences at once (1 = a single stream).
    /// Each concurrent sequence needs its own KV cache: size memory with
    /// [`MemoryOptions::sequences`](crate::econ::MemoryOptions::sequences) to match.
    pub batching_factor: f64,
    /// Prompt (prefill) tokens processed per second, as a multiple of single-stream decode.
    pub prefill_speedup: f64,
}

impl ThroughputInput {
    /// Assumed fraction of peak bandwidth reached by decode.
    pub const DEFAULT_EFFICIENCY: f64 = 0.6;
    /// Assumed batching factor: one stream.
    pub const DEFAULT_BATCHING_FACTOR: f64 = 1.0;
    /// Assumed prefill speed as a multiple of single-stream decode. The llama.cpp quantize
    /// README's Llama-3.1-8B Q4_K_M row measures 821.81 t/s prompt processing (pp512) against
    /// 71.93 t/s generation (tg128), a ratio of 11.4; 10 rounds it down.
    pub const DEFAULT_PREFILL_SPEEDUP: f64 = 10.0;

    /// One device of `bandwidth_gbs` running a model with `active_params_b` at `quant`, with the
    /// default efficiency, batching factor and prefill speedup.
    ///
    /// ```
    /// use llm_atlas::econ::{decode_throughput, Quant, ThroughputInput};
    /// // RTX 4090 (1,000 GB/s), 8.03B at Q4_K_M: 1,000 × 0.6 / (8.03 × 4.8944 / 8) = 122.1 tok/s.
    /// let t = decode_throughput(&ThroughputInput::new(1000.0, 8.03, Quant::Q4KM)).unwrap();
    /// assert!((t.decode_tok_s - 122.13).abs() < 0.01);
    /// ```
    pub fn new(
        bandwidth_gbs_per_device: f64,
        active_params_b: f64,
        quant: Quant,
    ) -> ThroughputInput {
        ThroughputInput {
            bandwidth_gbs_per_device,
            devices: 1,
            parallelism: Parallelism::TensorParallel,
            active_params_b,
            bits_per_weight: quant.bits_per_weight(),
            efficiency: ThroughputInput::DEFAULT_EFFICIENCY,
            batching_factor: ThroughputInput::DEFAULT_BATCHING_FACTOR,
            prefill_speedup: ThroughputInput::DEFAULT_PREFILL_SPEEDUP,
        }
    }

    /// `devices` × a dataset device running a dataset model at `quant`, tensor-parallel, with
    /// the default efficiency, batching factor and prefill speedup. Fails when the model's
    /// active parameter count is unknown.
    pub fn for_model(
        model: &Model,
        hardware: &Hardware,
        devices: u32,
        quant: Quant,
    ) -> Result<ThroughputInput, VramError> {
        let mut input =
            ThroughputInput::new(hardware.bandwidth_gbs.value, active_params_b(model)?, quant);
        input.devices = devices;
        Ok(input)
    }
}

/// The decode-speed estimate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Throughput {
    /// GB read from memory per generated token: active_params_b × bits_per_weight / 8.
    pub bytes_per_token_gb: f64,
    /// Bandwidth a token is read at: per-device bandwidth (× devices under tensor
    /// parallelism) × efficiency.
    pub effective_bandwidth_gbs: f64,
    /// Tokens per second of one stream: effective bandwidth / bytes per token.
    pub single_stream_tok_s: f64,
    /// Generated tokens per second of the node: single stream × batching factor.
    pub decode_tok_s: f64,
    /// Prompt tokens per second: single stream × prefill speedup.
    pub prefill_tok_s: f64,
}

/// Decode throughput of a node: memory bandwidth ÷ bytes each token must read.
///
/// Decode is memory-bound: every generated token reads all active weights once. Batching lets
/// one read of the weights serve several sequences, which multiplies throughput roughly by the
/// batch size until the device becomes compute-bound; the caller states that factor (default 1,
/// a single stream). The KV cache read per token (growing with context) is not counted.
pub fn decode_throughput(input: &ThroughputInput) -> Result<Throughput, EconError> {
    positive("bandwidth_gbs_per_device", input.bandwidth_gbs_per_device)?;
    positive("devices", f64::from(input.devices))?;
    positive("active_params_b", input.active_params_b)?;
    positive("bits_per_weight", input.bits_per_weight)?;
    positive_fraction("efficiency", input.efficiency)?;
    positive("batching_factor", input.batching_factor)?;
    positive("prefill_speedup", input.prefill_speedup)?;
    let bytes_per_token_gb = input.active_params_b * input.bits_per_weight / 8.0;
    let devices_in_parallel = match input.parallelism {
        Parallelism::TensorParallel => f64::from(input.devices),
        Parallelism::LayerSplit => 1.0,
    };
    let effective_bandwidth_gbs =
        input.bandwidth_gbs_per_device * devices_in_parallel * input.efficiency;
    let single_stream_tok_s = effective_bandwidth_gbs / bytes_per_token_gb;
    Ok(Throughput {
        bytes_per_token_gb,
        effective_bandwidth_gbs,
        single_stream_tok_s,
        decode_tok_s: single_stream_tok_s * input.batching_factor,
        prefill_tok_s: single_stream_tok_s * input.prefill_speedup,
    })
}

/// How the hardware is paid for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum HardwareCost {
    /// Bought, and written off in equal monthly parts; the node is on all month
    /// ([`HOURS_PER_MONTH`] hours).
    Purchase {
        /// Price of one device (or one whole machine, with `devices: 1`).
        usd_per_device: f64,
        /// Months to spread the price over.
        amortization_months: f64,
    },
    /// Rented by the hour (power is included in the rate).
    Cloud {
        /// Rate of one device per hour.
        usd_per_device_hour: f64,
        /// Hours rented per month (at most [`HOURS_PER_MONTH`]).
        hours_per_month: f64,
    },
}

impl HardwareCost {
    /// Hours per month the node is available to serve.
    pub fn serving_hours(&self) -> f64 {
        match *self {
            HardwareCost::Purchase { .. } => HOURS_PER_MONTH,
            HardwareCost::Cloud {
                hours_per_month, ..
            } => hours_per_month,
        }
    }
}

/// Operations: people, hosting, monitoring, networking.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum OpsCost {
    /// A fixed amount per node and month.
    UsdPerMonth(f64),
    /// A fraction of the node's monthly hardware cost (amortization or rent).
    FractionOfHardware(f64),
}

/// One self-hosted node: its hardware, power, operations, utilization and speed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SelfHostPlan {
    /// How the hardware is paid for.
    pub hardware: HardwareCost,
    /// Electrical draw of one device while serving, W (0 for cloud rental; add the host
    /// machine's share here).
    pub watts_per_device: f64,
    /// Electricity price, USD per kWh.
    pub usd_per_kwh: f64,
    /// Fraction of the serving hours the node is busy at full throughput, `(0, 1]`.
    pub utilization: f64,
    /// Operations overhead.
    pub ops: OpsCost,
    /// Speed of the node (its `devices` is the node's device count).
    pub throughput: ThroughputInput,
}

/// A node's monthly cost and capacity for a workload.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SelfHostCost {
    /// Hardware per node: devices × price / amortization months, or devices × rate × hours.
    pub hardware_usd: f64,
    /// Power per node: devices × W / 1,000 × serving hours × utilization × USD/kWh.
    pub power_usd: f64,
    /// Operations per node.
    pub ops_usd: f64,
    /// hardware + power + operations, per node.
    pub node_usd_per_month: f64,
    /// Workload tokens (input + visible output) one node serves per month at the utilization.
    pub capacity_tokens_per_month: f64,
    /// Node cost per million workload tokens when the node runs at capacity.
    pub usd_per_mtok_at_capacity: f64,
    /// Nodes the workload's volume needs: ceil(volume / capacity), at least 1.
    pub nodes: u32,
    /// nodes × node cost.
    pub total_usd_per_month: f64,
    /// total / workload volume in millions; `None` for a volume of 0.
    pub usd_per_mtok: Option<f64>,
}

impl SelfHostPlan {
    /// Checks the plan's ranges.
    pub fn validate(&self) -> Result<(), EconError> {
        match self.hardware {
            HardwareCost::Purchase {
                usd_per_device,
                amortization_months,
            } => {
                non_negative("usd_per_device", usd_per_device)?;
                positive("amortization_months", amortization_months)?;
            }
            HardwareCost::Cloud {
                usd_per_device_hour,
                hours_per_month,
            } => {
                non_negative("usd_per_device_hour", usd_per_device_hour)?;
                positive("hours_per_month", hours_per_month)?;
                if hours_per_month > HOURS_PER_MONTH {
                    return Err(EconError::Invalid {
                        field: "hours_per_month",
                        value: hours_per_month,
                        expected: "at most 730",
                    });
                }
            }
        }
        non_negative("watts_per_device", self.watts_per_device)?;
        non_negative("usd_per_kwh", self.usd_per_kwh)?;
        positive_fraction("utilization", self.utilization)?;
        match self.ops {
            OpsCost::UsdPerMonth(usd) => non_negative("ops usd_per_month", usd)?,
            OpsCost::FractionOfHardware(f) => fraction("ops fraction_of_hardware", f)?,
        };
        Ok(())
    }

    /// Devices in the node.
    pub fn devices(&self) -> u32 {
        self.throughput.devices
    }

    /// Monthly hardware cost of one node (amortization or rent).
    pub fn hardware_usd_per_month(&self) -> f64 {
        let devices = f64::from(self.devices());
        match self.hardware {
            HardwareCost::Purchase {
                usd_per_device,
                amortization_months,
            } => devices * usd_per_device / amortization_months,
            HardwareCost::Cloud {
                usd_per_device_hour,
                hours_per_month,
            } => devices * usd_per_device_hour * hours_per_month,
        }
    }

    /// Monthly power and operations of one node (what it costs to run, apart from the hardware).
    pub fn running_usd_per_month(&self) -> f64 {
        self.power_usd_per_month() + self.ops_usd_per_month()
    }

    fn power_usd_per_month(&self) -> f64 {
        let kwh = f64::from(self.devices()) * self.watts_per_device / 1000.0
            * self.hardware.serving_hours()
            * self.utilization;
        kwh * self.usd_per_kwh
    }

    fn ops_usd_per_month(&self) -> f64 {
        match self.ops {
            OpsCost::UsdPerMonth(usd) => usd,
            OpsCost::FractionOfHardware(f) => f * self.hardware_usd_per_month(),
        }
    }

    /// Workload tokens per month one node serves at its utilization, for the mix of `mix`
    /// (its volume is ignored).
    pub fn capacity_tokens_per_month(&self, mix: &Workload) -> Result<f64, EconError> {
        self.validate()?;
        mix.validate()?;
        let t = decode_throughput(&self.throughput)?;
        let seconds_per_token =
            mix.generated_per_token() / t.decode_tok_s + mix.input_share() / t.prefill_tok_s;
        Ok(self.utilization * self.hardware.serving_hours() * 3600.0 / seconds_per_token)
    }

    /// The monthly cost of serving `workload` with as many identical nodes as it needs.
    ///
    /// ```
    /// use llm_atlas::econ::{HardwareCost, OpsCost, Quant, SelfHostPlan, ThroughputInput, Workload};
    /// // One rented H100 SXM (3,350 GB/s) at $2.95/h all month, Gemma 3 27B at Q4_K_M.
    /// let plan = SelfHostPlan {
    ///     hardware: HardwareCost::Cloud { usd_per_device_hour: 2.95, hours_per_month: 730.0 },
    ///     watts_per_device: 0.0, usd_per_kwh: 0.0, utilization: 1.0,
    ///     ops: OpsCost::UsdPerMonth(0.0),
    ///     throughput: ThroughputInput::new(3350.0, 27.0, Quant::Q4KM),
    /// };
    /// let cost = plan.monthly_cost(&Workload::new(100e6, 3.0)).unwrap();
    /// assert!((cost.node_usd_per_month - 2153.5).abs() < 1e-9); // 2.95 × 730
    /// ```
    pub fn monthly_cost(&self, workload: &Workload) -> Result<SelfHostCost, EconError> {
        let capacity = self.capacity_tokens_per_month(workload)?;
        let hardware_usd = self.hardware_usd_per_month();
        let power_usd = self.power_usd_per_month();
        let ops_usd = self.ops_usd_per_month();
        let node = hardware_usd + power_usd + ops_usd;
        let nodes = nodes_needed(workload.tokens_per_month, capacity);
        let total = f64::from(nodes) * node;
        let usd_per_mtok = (workload.tokens_per_month > 0.0)
            .then(|| total / (workload.tokens_per_month / TOKENS_PER_MTOK));
        Ok(SelfHostCost {
            hardware_usd,
            power_usd,
            ops_usd,
            node_usd_per_month: node,
            capacity_tokens_per_month: capacity,
            usd_per_mtok_at_capacity: node / (capacity / TOKENS_PER_MTOK),
            nodes,
            total_usd_per_month: total,
            usd_per_mtok,
        })
    }
}

/// ceil(volume / capacity), at least 1; a volume a hair above a multiple of the capacity from
/// rounding (relative 1e-9) does not buy another node.
pub(crate) fn nodes_needed(tokens_per_month: f64, capacity_tokens_per_month: f64) -> u32 {
    let ratio = tokens_per_month / capacity_tokens_per_month;
    let n = (ratio * (1.0 - 1e-9)).ceil().max(1.0);
    if n >= f64::from(u32::MAX) {
        u32::MAX
    } else {
        n as u32
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::econ::assert_close;

    /// One rented H100 ($2.95 an hour, 730 hours) serving a 27B model at Q4_K_M, all day.
    pub(crate) fn h100_cloud_plan() -> SelfHostPlan {
        SelfHostPlan {
            hardware: HardwareCost::Cloud {
                usd_per_device_hour: 2.95,
                hours_per_month: 730.0,
            },
            watts_per_device: 0.0,
            usd_per_kwh: 0.0,
            utilization: 1.0,
            ops: OpsCost::UsdPerMonth(0.0),
            throughput: ThroughputInput::new(3350.0, 27.0, Quant::Q4KM),
        }
    }

    #[test]
    fn decode_speed_single_device() {
        // 27B at Q4_K_M: 27 × 4.8944 / 8 = 16.5186 GB per token;
        // 3,350 GB/s × 0.6 = 2,010 GB/s → 2,010 / 16.5186 = 121.681 tok/s; prefill ×10 = 1,216.81.
        let t = decode_throughput(&ThroughputInput::new(3350.0, 27.0, Quant::Q4KM)).unwrap();
        assert_close(t.bytes_per_token_gb, 16.5186, 1e-9);
        assert_close(t.effective_bandwidth_gbs, 2010.0, 1e-9);
        assert_close(t.single_stream_tok_s, 121.681, 1e-3);
        assert_close(t.decode_tok_s, 121.681, 1e-3);
        assert_close(t.prefill_tok_s, 1216.81, 1e-2);
    }

    #[test]
    fn batching_and_parallelism() {
        // 8 devices tensor-parallel, 17B active at Q8_0 (17 × 8.5 / 8 = 18.0625 GB per token):
        // 8 × 3,350 × 0.6 = 16,080 GB/s → 890.242 tok/s; batching 4 → 3,560.97 tok/s.
        let mut input = ThroughputInput::new(3350.0, 17.0, Quant::Q8_0);
        input.devices = 8;
        input.batching_factor = 4.0;
        let t = decode_throughput(&input).unwrap();
        assert_close(t.single_stream_tok_s, 890.242, 1e-3);
        assert_close(t.decode_tok_s, 3560.969, 1e-3);
        // The same devices with a layer split: one device's 2,010 GB/s → 111.280 tok/s.
        input.parallelism = Parallelism::LayerSplit;
        let t = decode_throughput(&input).unwrap();
        assert_close(t.single_stream_tok_s, 111.280, 1e-3);
        input.efficiency = 1.5;
        assert!(decode_throughput(&input).is_err());
    }

    #[test]
    fn capacity_for_a_mix() {
        // Output only (ratio 0): 121.681 tok/s × 2,628,000 s = 319.78M tokens per month.
        let plan = h100_cloud_plan();
        let out_only = Workload::new(0.0, 0.0);
        assert_close(
            plan.capacity_tokens_per_month(&out_only).unwrap() / 1e6,
            319.778,
            1e-3,
        );
        // 3:1: seconds per token = 0.25 / 121.681 + 0.75 / 1,216.81 = 0.00205455 + 0.00061637
        // = 0.00267091 → 374.40 tok/s → 983.93M per month.
        let mix = Workload::new(0.0, 3.0);
        assert_close(
            plan.capacity_tokens_per_month(&mix).unwrap() / 1e6,
            983.93,
            0.01,
        );
        // Two reasoning tokens per output token triple the generated tokens: 0.75 / 121.681 +
        // 0.00061637 = 0.00678 s → 147.49 tok/s → 387.60M per month.
        let thinking = Workload {
            reasoning_per_output: 2.0,
            ..mix
        };
        assert_close(
            plan.capacity_tokens_per_month(&thinking).unwrap() / 1e6,
            387.60,
            0.01,
        );
        // Half utilization halves it.
        let half = SelfHostPlan {
            utilization: 0.5,
            ..plan
        };
        assert_close(
            half.capacity_tokens_per_month(&mix).unwrap() / 1e6,
            491.97,
            0.01,
        );
    }

    #[test]
    fn monthly_cost_of_a_purchase() {
        // 2 devices at $2,000 over 24 months = $166.67; power 2 × 450 W × 730 h × 0.5 = 328.5 kWh
        // × $0.20 = $65.70; ops 10% of hardware = $16.67; node = $249.03 per month.
        let mut throughput = ThroughputInput::new(1000.0, 8.0, Quant::Q4KM);
        throughput.devices = 2;
        let plan = SelfHostPlan {
            hardware: HardwareCost::Purchase {
                usd_per_device: 2000.0,
                amortization_months: 24.0,
            },
            watts_per_device: 450.0,
            usd_per_kwh: 0.20,
            utilization: 0.5,
            ops: OpsCost::FractionOfHardware(0.10),
            throughput,
        };
        let cost = plan.monthly_cost(&Workload::new(10e6, 3.0)).unwrap();
        assert_close(cost.hardware_usd, 166.6667, 1e-4);
        assert_close(cost.power_usd, 65.7, 1e-9);
        assert_close(cost.ops_usd, 16.6667, 1e-4);
        assert_close(cost.node_usd_per_month, 249.0333, 1e-4);
        assert_eq!(cost.nodes, 1);
        // $249.03 / 10M tokens = $24.90 per million.
        assert_close(cost.usd_per_mtok.unwrap(), 24.9033, 1e-4);
    }

    #[test]
    fn volume_beyond_capacity_needs_more_nodes() {
        let plan = h100_cloud_plan();
        let mix = Workload::new(0.0, 3.0);
        let cap = plan.capacity_tokens_per_month(&mix).unwrap();
        let at_cap = plan.monthly_cost(&mix.with_tokens_per_month(cap)).unwrap();
        assert_eq!(at_cap.nodes, 1);
        let above = plan
            .monthly_cost(&mix.with_tokens_per_month(cap * 2.5))
            .unwrap();
        assert_eq!(above.nodes, 3);
        assert_close(above.total_usd_per_month, 3.0 * 2153.5, 1e-9);
        // At capacity: $2,153.50 / 983.93M = $2.1887 per million.
        assert_close(at_cap.usd_per_mtok_at_capacity, 2.1887, 1e-4);
    }

    #[test]
    fn invalid_plans() {
        let plan = SelfHostPlan {
            hardware: HardwareCost::Cloud {
                usd_per_device_hour: 2.0,
                hours_per_month: 800.0,
            },
            ..h100_cloud_plan()
        };
        assert!(plan.validate().is_err());
        let plan = SelfHostPlan {
            utilization: 0.0,
            ..h100_cloud_plan()
        };
        assert!(plan.monthly_cost(&Workload::new(1.0, 1.0)).is_err());
        assert_eq!(nodes_needed(0.0, 10.0), 1);
        assert_eq!(nodes_needed(10.000_000_001, 10.0), 1);
        assert_eq!(nodes_needed(10.1, 10.0), 2);
    }
}
