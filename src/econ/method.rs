//! Every formula and assumption of the calculators, as static data for the `/about` page.
//!
//! The defaults quoted here are the constants the code uses; a unit test checks that each
//! quoted default still matches its constant.

/// One part of the method: a formula, the assumptions behind it and where its numbers come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MethodSection {
    /// Stable anchor, e.g. "api-cost".
    pub id: &'static str,
    /// Heading.
    pub title: &'static str,
    /// The formula, one step per line.
    pub formula: &'static str,
    /// Assumptions, each a sentence.
    pub assumptions: &'static [&'static str],
    /// Where numbers and formulas come from.
    pub sources: &'static [&'static str],
}

/// The method, in the order a reader needs it.
pub const METHOD: &[MethodSection] = &[
    MethodSection {
        id: "api-cost",
        title: "API cost of a workload",
        formula: "input = V × r / (r + 1);  output = V / (r + 1);  reasoning = output × z\n\
                  cost = input × (1 − c) × P_in + input × c × P_cached + (output + reasoning) × P_out\n\
                  blended price at r:1 = (r × P_in + P_out) / (r + 1)\n\
                  saving = 1 − P_new / P_old",
        assumptions: &[
            "V is the monthly volume of input plus visible output tokens; r is the input:output ratio (3 means 3:1).",
            "c is the share of input tokens served from the provider's prompt cache; without a published cached price they are billed at the input price.",
            "z is the number of hidden reasoning tokens per visible output token; providers bill them as output.",
            "Prices are list prices in USD per million tokens, at the date shown with each price; volume discounts, batch APIs and free tiers are not applied.",
        ],
        sources: &["Provider pricing pages as recorded in the dataset's prices.json (each price carries its source and date)."],
    },
    MethodSection {
        id: "decode-speed",
        title: "Decode speed from memory bandwidth",
        formula: "bytes per token (GB) = active parameters (B) × bits per weight / 8\n\
                  single-stream tok/s = bandwidth (GB/s) × devices (tensor parallel only) × efficiency / bytes per token\n\
                  decode tok/s = single-stream tok/s × batching factor\n\
                  prefill tok/s = single-stream tok/s × prefill speedup",
        assumptions: &[
            "Decode is memory-bound: each generated token reads every active weight once (all of a dense model, the active experts of a mixture of experts).",
            "Efficiency (fraction of the datasheet bandwidth actually reached) defaults to 0.6.",
            "The batching factor defaults to 1 (one stream). Serving several sequences at once reuses each weight read, which multiplies throughput roughly by the batch size until the GPU becomes compute-bound; the factor is the caller's stated assumption, not a measurement.",
            "Tensor parallelism adds the devices' bandwidth; a layer split (llama.cpp's default) runs one stream at one device's bandwidth.",
            "Prompt tokens are processed at 10 × single-stream decode speed (llama.cpp measured 821.81 t/s prefill vs 71.93 t/s decode for Llama 3.1 8B Q4_K_M, a ratio of 11.4).",
            "The KV cache read per token, which grows with context, is not counted, so long contexts decode slower than this.",
        ],
        sources: &[
            "Bandwidth per device: the dataset's hardware.json (datasheets).",
            "Prefill/decode ratio: ggml-org/llama.cpp tools/quantize/README.md, Llama-3.1-8B table.",
            "The bandwidth ÷ active weights method: canitrun.dev/about and can-i-run-this-llm.com/methodology.",
        ],
    },
    MethodSection {
        id: "self-host-cost",
        title: "Self-hosting cost and capacity",
        formula: "hardware/month = devices × price / amortization months   or   devices × $/hour × hours rented\n\
                  power/month = devices × W / 1000 × hours × utilization × $/kWh\n\
                  operations/month = fixed $ or fraction × hardware/month\n\
                  seconds per token = (1 + z) / (r + 1) / decode tok/s + r / (r + 1) / prefill tok/s\n\
                  capacity/month = utilization × hours × 3600 / seconds per token\n\
                  cost per million = monthly cost / (capacity / 10^6)",
        assumptions: &[
            "A month is 730 hours (365 × 24 / 12); bought hardware is available all month.",
            "Utilization is the share of those hours the node serves at full throughput; power is drawn only then (idle draw is not counted).",
            "Cloud rates include power.",
            "A node's cost is the same whatever it serves, up to its capacity; more volume needs another identical node.",
        ],
        sources: &["Purchase and hourly prices: the dataset's hardware.json (each price carries its source and date)."],
    },
    MethodSection {
        id: "break-even",
        title: "Break-even volume and payback",
        formula: "API(V) = p × V;  self(V) = ceil(V / K) × C\n\
                  break-even V* = C / p, if V* ≤ K\n\
                  cheaper at every volume from k0 × V*, k0 = ceil(r / (1 − r)), r = V* / K\n\
                  payback months = nodes × devices × price / (API bill − power − operations)",
        assumptions: &[
            "p is the API's price per workload token for the chosen mix; C and K are one node's monthly cost and capacity.",
            "If V* > K the node costs more per token than the API even when full, and so does every extra node: there is no break-even.",
            "Above V*, self-hosting is cheaper from k × V* to k × K with k nodes; just past each multiple of K a new node is needed and the API can be cheaper again, until the intervals join at k0 × V*.",
            "Payback counts the purchase price upfront and compares the API bill with power and operations; it ignores resale value, interest and the quality difference between the models compared.",
        ],
        sources: &["Derived from the two formulas above."],
    },
    MethodSection {
        id: "weights",
        title: "Memory for the weights",
        formula: "weights (GB) = total parameters (B) × bits per weight / 8",
        assumptions: &[
            "All parameters must be resident, including every expert of a mixture of experts.",
            "Effective bits per weight (llama.cpp, Llama 3.1 8B): F32 32, F16 16, BF16 16, Q8_0 8.5, Q6_K 6.5633, Q5_K_M 5.7036, Q4_K_M 4.8944, Q3_K_M 4.00, Q2_K 3.1593.",
            "Effective bits per weight include block scales and the higher-precision tensors of the _M mixes; they shift a little between models.",
            "GB means 10^9 bytes throughout.",
        ],
        sources: &[
            "ggml-org/llama.cpp tools/quantize/README.md (bits/weight column of the Llama-3.1-8B table).",
            "ggml-org/llama.cpp tools/quantize/quantize.cpp (Q3_K_M: 3.74 GiB for Llama-3-8B, i.e. 4.00 bits per weight).",
        ],
    },
    MethodSection {
        id: "kv-cache",
        title: "Memory for the KV cache",
        formula: "standard (MHA/GQA): 2 × kv_heads × head_dim × bytes × (global layers × context + sliding layers × min(context, window))\n\
                  where the global layers have their own heads (Gemma 4): 2 × bytes × (global_kv_heads × global_head_dim × global layers × context + kv_heads × head_dim × sliding layers × min(context, window))\n\
                  DeepSeek MLA: layers × (kv_lora_rank + qk_rope_head_dim) × context × bytes\n\
                  DeepSeek-V4 (compressed): kv_heads × head_dim × bytes × (layers × min(context, window) + compressed_layers × context / compress_ratio + heavily_compressed_layers × context / heavy_compress_ratio)\n\
                  × concurrent sequences",
        assumptions: &[
            "kv_heads is the number of key/value heads (grouped-query attention), not the query heads; head_dim comes from the model's config, not hidden size / heads.",
            "Sliding-window layers hold at most their window of tokens.",
            "Layers that reuse an earlier layer's cache (Gemma 3n and Gemma 4 E2B and E4B: kv_shared_layers) hold none; of the layers that do, every sliding_window_period-th is global.",
            "DeepSeek-V4 caches one shared key-value entry (kv_heads × head_dim = 512 wide) per position: every layer the last sliding_window tokens, and its compressed layers one entry per compress_ratio tokens (CSA: 4) or per heavy_compress_ratio tokens (HCA: 128) of the whole context. The CSA indexer's own small key cache is not counted.",
            "In a hybrid model only the attention layers (attention_layers) hold a KV cache; the others hold none (the MoE-only blocks of Nemotron 3) or a fixed-size state that does not grow with the context (Gated DeltaNet in Qwen3.5 and Qwen3.6, Mamba-2 in Nemotron 3), which is not counted.",
            "Keys and values are both stored, as llama.cpp does, even for layers whose values are their keys (Gemma 4's global layers).",
            "Bytes per element: f16 2, q8_0 34/32 = 1.0625, q4_0 18/32 = 0.5625.",
            "When the data lacks a number the cache formula needs, no cache is estimated and the page says which field is unknown: a model's page shows its weights alone, and the hardware page counts its weights and overhead, marked as a lower bound (a \u{201c}won't run\u{201d} then holds whatever the cache; \u{201c}weights fit\u{201d} leaves the cache to be checked).",
        ],
        sources: &[
            "Architecture numbers: the dataset's models.json (model configs and cards).",
            "MLA cache size: checked against ikawrakow/ik_llama.cpp PR #259's log (1,166.62 MiB at 32,768 tokens, q8_0).",
            "Gemma 4 in llama.cpp: ggml-org/llama.cpp src/models/gemma4.cpp (the V projection is optional and falls back to K; the cache still holds a value per layer).",
        ],
    },
    MethodSection {
        id: "overhead-and-fit",
        title: "Overhead and fit verdicts",
        formula: "total = weights + KV + 0.5 GB per device + 10% × (weights + KV)\n\
                  fits: total ≤ devices × memory × usable fraction\n\
                  needs offload: total ≤ GPU memory + system RAM\n\
                  won't run: otherwise",
        assumptions: &[
            "The 0.5 GB per device covers the runtime's context and compute buffers; calculators quote 0.3 to 1.5 GB, and llama.cpp's compute buffer grows with context.",
            "The 10% covers fragmentation and activations (canitrun.dev uses 12%).",
            "Apple silicon can give the GPU about 0.75 of its unified memory and has no separate RAM to offload to; other machines whose CPU and GPU share one pool (DGX Spark, Ryzen AI Max) are assumed the same.",
            "Memory is pooled across GPUs (layers split between them); offloaded layers run at system RAM speed.",
        ],
        sources: &["canitrun.dev/about; ggufvram.radicchio.page; ollama/ollama PR #17201 (compute buffer)."],
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::econ::{KvCacheType, Overhead, Quant, ThroughputInput, HOURS_PER_MONTH};

    fn text(id: &str) -> String {
        let s = METHOD
            .iter()
            .find(|s| s.id == id)
            .unwrap_or_else(|| panic!("no section {id}"));
        format!(
            "{}\n{}\n{}",
            s.formula,
            s.assumptions.join("\n"),
            s.sources.join("\n")
        )
    }

    #[test]
    fn sections_are_complete_and_unique() {
        let mut ids: Vec<&str> = METHOD.iter().map(|s| s.id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), METHOD.len());
        for s in METHOD {
            assert!(!s.title.is_empty() && !s.formula.is_empty(), "{}", s.id);
            assert!(
                !s.assumptions.is_empty() && !s.sources.is_empty(),
                "{}",
                s.id
            );
        }
    }

    #[test]
    fn quoted_defaults_match_the_code() {
        let speed = text("decode-speed");
        assert!(speed.contains(&format!(
            "defaults to {}",
            ThroughputInput::DEFAULT_EFFICIENCY
        )));
        assert!(speed.contains(&format!(
            "defaults to {} (one stream)",
            ThroughputInput::DEFAULT_BATCHING_FACTOR
        )));
        assert!(speed.contains(&format!(
            "at {} × single-stream",
            ThroughputInput::DEFAULT_PREFILL_SPEEDUP
        )));
        assert!(text("self-host-cost").contains(&format!("{HOURS_PER_MONTH} hours")));
        let weights = text("weights");
        for q in Quant::ALL {
            let bpw = q.bits_per_weight();
            let quoted = if bpw == 4.0 {
                "4.00".to_string()
            } else {
                bpw.to_string()
            };
            assert!(
                weights.contains(&format!("{} {quoted}", q.label())),
                "{} {quoted}",
                q.label()
            );
        }
        let kv = text("kv-cache");
        assert_eq!(KvCacheType::Q8_0.bytes_per_element(), 1.0625);
        assert!(kv.contains("q8_0 34/32 = 1.0625") && kv.contains("q4_0 18/32 = 0.5625"));
        let fit = text("overhead-and-fit");
        let o = Overhead::DEFAULT;
        assert!(fit.contains(&format!(
            "{} GB per device + {}%",
            o.fixed_gb_per_device,
            o.fraction * 100.0
        )));
        assert!(fit.contains(&format!(
            "about {}",
            crate::econ::vram::UNIFIED_USABLE_FRACTION
        )));
    }
}
