//! The shipped dataset under `public/data/` parses and validates, and broken
//! copies of it fail with the exact path and reason a reader needs.

use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

use llm_atlas::data::{DataError, Dataset, Date, FILES};
use serde_json::{json, Value};

fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("public/data")
}

/// The shipped files as (name, text) pairs.
fn shipped() -> Vec<(&'static str, String)> {
    FILES
        .iter()
        .map(|name| {
            let path = data_dir().join(name);
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
            (*name, text)
        })
        .collect()
}

/// Today's UTC date from the system clock (days since 1970 to a civil date).
fn today() -> Date {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs();
    let z = (secs / 86_400) as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let y = (yoe + era * 400 + i64::from(m <= 2)) as u16;
    Date::new(y, m, d).expect("valid date")
}

/// A fixed "today" for the negative tests, so their messages do not change with the clock: the
/// dataset's own date (`meta.json`), on or after every date in it.
fn fixed_today() -> Date {
    let meta: Value = serde_json::from_str(
        &shipped()
            .into_iter()
            .find(|(n, _)| *n == "meta.json")
            .expect("meta.json is shipped")
            .1,
    )
    .expect("meta.json parses");
    Date::parse(meta["date"].as_str().expect("meta.json has a date")).expect("a valid date")
}

fn load(files: &[(&str, String)], today: Date) -> Result<Dataset, Vec<DataError>> {
    let refs: Vec<(&str, &str)> = files.iter().map(|(n, t)| (*n, t.as_str())).collect();
    Dataset::from_json_files(&refs, today)
}

/// Applies `edit` to the parsed JSON of one shipped file and returns all files.
fn mutated(file: &str, edit: impl FnOnce(&mut Value)) -> Vec<(&'static str, String)> {
    let mut files = shipped();
    let slot = files
        .iter_mut()
        .find(|(n, _)| *n == file)
        .expect("file exists");
    let mut v: Value = serde_json::from_str(&slot.1).unwrap();
    edit(&mut v);
    slot.1 = serde_json::to_string_pretty(&v).unwrap();
    files
}

fn errors_of(files: &[(&str, String)]) -> Vec<String> {
    match load(files, fixed_today()) {
        Ok(_) => panic!("the broken dataset was accepted"),
        Err(errs) => errs.iter().map(ToString::to_string).collect(),
    }
}

fn assert_single_error(files: &[(&str, String)], expected: &str) {
    let errs = errors_of(files);
    assert_eq!(errs, vec![expected.to_string()], "errors: {errs:#?}");
}

#[test]
fn shipped_dataset_is_valid() {
    let ds = match load(&shipped(), today()) {
        Ok(ds) => ds,
        Err(errs) => {
            let list: Vec<String> = errs.iter().map(ToString::to_string).collect();
            panic!("{} problem(s):\n{}", list.len(), list.join("\n"));
        }
    };
    assert!(ds.models.len() >= 30, "only {} models", ds.models.len());
    assert!(!ds.prices.is_empty());
    assert!(!ds.hardware.is_empty());
    assert!(!ds.stacks.is_empty());
    assert!(!ds.claims.is_empty());
}

#[test]
fn shipped_dataset_covers_the_article_models() {
    let ds = load(&shipped(), today()).expect("valid");
    for id in [
        "llama-4-scout",
        "llama-4-maverick",
        "llama-4-behemoth",
        "deepseek-r1",
        "deepseek-r1-distill-qwen-32b",
        "deepseek-r1-0528-qwen3-8b",
        "gemma-3-270m",
        "gemma-3-1b",
        "gemma-3-4b",
        "gemma-3-12b",
        "gemma-3-27b",
        "gpt-4o",
        "o1",
        "o3",
        "o3-mini",
        "claude-3-5-sonnet",
        "gemini-2.5-flash",
        "ministral-3-3b",
        "ministral-3-3b-reasoning",
        "ministral-3-8b",
        "ministral-3-8b-reasoning",
        "ministral-3-14b",
        "ministral-3-14b-reasoning",
        "mistral-large-3",
        "qwen2.5-vl-3b",
        "qwen2.5-vl-7b",
        "qwen2.5-vl-32b",
        "qwen2.5-vl-72b",
    ] {
        assert!(ds.model(id).is_some(), "missing model {id}");
    }
    let maverick = ds.model("llama-4-maverick").unwrap();
    let mmlu_pro = &maverick.benchmarks["mmlu_pro"];
    assert_eq!(mmlu_pro.value, 80.5);
    assert!(mmlu_pro.self_reported);
    assert_eq!(ds.source(&mmlu_pro.source).unwrap().publisher, "Meta");
}

#[test]
fn unknown_field_is_rejected_with_its_path() {
    let files = mutated("models.json", |v| {
        v[0]["colour"] = json!("red");
    });
    let errs = errors_of(&files);
    assert_eq!(errs.len(), 1, "{errs:#?}");
    assert!(
        errs[0].starts_with("models[0].colour: unknown field `colour`"),
        "{}",
        errs[0]
    );
}

#[test]
fn dangling_source_is_rejected() {
    let files = mutated("models.json", |v| {
        v[0]["params_total_b"]["source"] = json!("no-such-source");
    });
    assert_single_error(
        &files,
        "models[0].params_total_b.source: unknown source id \"no-such-source\"",
    );
}

#[test]
fn missing_source_is_rejected() {
    let files = mutated("models.json", |v| {
        v[0]["params_total_b"]
            .as_object_mut()
            .unwrap()
            .remove("source");
    });
    let errs = errors_of(&files);
    assert_eq!(errs.len(), 1, "{errs:#?}");
    assert!(
        errs[0].starts_with("models[0].params_total_b: missing field `source`"),
        "{}",
        errs[0]
    );
}

#[test]
fn negative_score_is_rejected() {
    let files = mutated("models.json", |v| {
        v[0]["benchmarks"]["gpqa_diamond"]["value"] = json!(-3);
    });
    assert_single_error(
        &files,
        "models[0].benchmarks.gpqa_diamond.value: -3 is below 0",
    );
}

#[test]
fn percent_above_100_is_rejected() {
    let files = mutated("models.json", |v| {
        v[0]["benchmarks"]["mmlu_pro"]["value"] = json!(743);
    });
    assert_single_error(
        &files,
        "models[0].benchmarks.mmlu_pro.value: 743 is above 100",
    );
}

#[test]
fn active_above_total_is_rejected() {
    let files = mutated("models.json", |v| {
        v[0]["params_active_b"]["value"] = json!(500);
    });
    assert_single_error(
        &files,
        "models[0].params_active_b.value: 500 active is above 109 total",
    );
}

#[test]
fn duplicate_id_is_rejected() {
    let files = mutated("models.json", |v| {
        let first = v[0]["id"].clone();
        v[1]["id"] = first;
    });
    let errs = errors_of(&files);
    // The renamed model's own id is now unknown to prices and claims, which
    // are reported too; the duplicate comes first.
    assert_eq!(
        errs[0],
        "models[1].id: duplicate id \"llama-4-scout\" (first at models[0])"
    );
}

#[test]
fn future_date_is_rejected() {
    let files = mutated("models.json", |v| {
        v[0]["release_date"]["value"] = json!("2999-01-01");
    });
    assert_single_error(
        &files,
        &format!(
            "models[0].release_date.value: 2999-01-01 is in the future (today is {})",
            fixed_today()
        ),
    );
}

#[test]
fn price_without_as_of_is_rejected() {
    let files = mutated("prices.json", |v| {
        v[0].as_object_mut().unwrap().remove("as_of");
    });
    assert_single_error(&files, "prices[0].as_of: a price has no as-of date");
}

#[test]
fn negative_price_is_rejected() {
    let files = mutated("prices.json", |v| {
        v[0]["output_usd_per_mtok"] = json!(-1.5);
    });
    assert_single_error(&files, "prices[0].output_usd_per_mtok: -1.5 is below 0");
}

#[test]
fn a_retirement_needs_a_real_date_and_a_known_source_but_may_lie_ahead() {
    let files = mutated("prices.json", |v| {
        v[0]["retired"] = json!({ "value": "2026-13-01", "source": "nowhere" });
    });
    let errs = errors_of(&files);
    assert_eq!(errs.len(), 2, "errors: {errs:#?}");
    assert!(
        errs[0].starts_with("prices[0].retired.value: "),
        "{errs:#?}"
    );
    assert!(
        errs[1].starts_with("prices[0].retired.source: "),
        "{errs:#?}"
    );
    // An announced retirement after today is valid data.
    let files = mutated("prices.json", |v| {
        v[0]["retired"] = json!({ "value": "2099-01-01", "source": "llm-prices" });
    });
    assert!(load(&files, fixed_today()).is_ok());
}

/// A price announced ahead of its day: read before it starts, retired (if ever) after it, a
/// real date and a known source; the day itself may lie ahead.
#[test]
fn an_announced_price_starts_after_it_was_read() {
    let announce = |starts: Value, retired: Option<Value>| {
        mutated("prices.json", |v| {
            let mut p = v[0].clone();
            p["input_usd_per_mtok"] = json!(99.0);
            p["starts"] = starts;
            let p = p.as_object_mut().unwrap();
            p.remove("retired");
            if let Some(r) = retired {
                p.insert("retired".into(), r);
            }
            v.as_array_mut().unwrap().push(p.clone().into());
        })
    };
    let ok = announce(
        json!({ "value": "2099-01-01", "source": "llm-prices" }),
        None,
    );
    let ds = load(&ok, fixed_today()).expect("an announced price is valid data");
    let model = ds.prices[0].model.clone();
    let announced = ds.announced_prices(&model);
    assert_eq!(announced.len(), 1);
    assert_eq!(announced[0].input_usd_per_mtok, 99.0);
    assert!(ds
        .current_prices(&model)
        .iter()
        .all(|p| p.input_usd_per_mtok != 99.0));

    let n = ds.prices.len() - 1;
    let as_of = ds.prices[0].as_of.clone().unwrap();
    let errs = errors_of(&announce(
        json!({ "value": as_of, "source": "nowhere" }),
        Some(json!({ "value": "2000-01-01", "source": "llm-prices" })),
    ));
    assert_eq!(
        errs,
        vec![
            format!(
                "prices[{n}].starts.value: a price that starts on {as_of} must have been read before then, not on {as_of}"
            ),
            format!("prices[{n}].retired.value: retired on 2000-01-01, not after it starts on {as_of}"),
            format!("prices[{n}].starts.source: unknown source id \"nowhere\""),
            // Starting the day it was read, it applies from the same day as the price it copies.
            format!("prices[{n}]: duplicate price for model \"{model}\" at provider \"{}\" from the same date (first at prices[0])", ds.prices[0].provider),
        ]
    );
    let errs = errors_of(&announce(
        json!({ "value": "2099-02-30", "source": "llm-prices" }),
        None,
    ));
    assert_eq!(errs.len(), 1, "{errs:#?}");
    assert!(
        errs[0].starts_with(&format!("prices[{n}].starts.value: ")),
        "{errs:#?}"
    );
}

/// MLA may cache no RoPE part (a size of 0), but a RoPE size alone is no layout.
#[test]
fn a_rope_key_size_may_be_zero_but_needs_a_latent() {
    let mla = |v: &Value| {
        v.as_array()
            .unwrap()
            .iter()
            .position(|m| m["architecture"]["kv_lora_rank"].is_object())
            .expect("an MLA model")
    };
    let files = mutated("models.json", |v| {
        let i = mla(v);
        v[i]["architecture"]["qk_rope_head_dim"]["value"] = json!(0);
    });
    assert!(load(&files, fixed_today()).is_ok());
    let mut at = 0;
    let files = mutated("models.json", |v| {
        at = mla(v);
        v[at]["architecture"]
            .as_object_mut()
            .unwrap()
            .remove("kv_lora_rank");
    });
    assert_single_error(
        &files,
        &format!("models[{at}].architecture.qk_rope_head_dim: a RoPE key size (MLA) needs the KV latent rank (kv_lora_rank) next to it"),
    );
}

#[test]
fn all_problems_are_reported_not_just_the_first() {
    let files = mutated("models.json", |v| {
        v[0]["benchmarks"]["gpqa_diamond"]["value"] = json!(-3);
        v[2]["context_window"] = json!({"value": 0, "source": "meta-llama4-card"});
    });
    let errs = errors_of(&files);
    assert_eq!(
        errs,
        vec![
            "models[0].benchmarks.gpqa_diamond.value: -3 is below 0".to_string(),
            "models[2].context_window.value: 0 is not above 0".to_string(),
        ]
    );
}

#[test]
fn missing_file_is_reported() {
    let files: Vec<(&str, String)> = shipped()
        .into_iter()
        .filter(|(n, _)| *n != "stacks.json")
        .collect();
    assert_single_error(&files, "stacks: file stacks.json is missing");
}

#[test]
fn syntax_error_names_the_file() {
    let mut files = shipped();
    files.iter_mut().find(|(n, _)| *n == "meta.json").unwrap().1 = "{".into();
    let errs = errors_of(&files);
    assert_eq!(errs.len(), 1, "{errs:#?}");
    assert!(errs[0].starts_with("meta: EOF"), "{}", errs[0]);
}

#[test]
fn every_source_is_cited_and_every_citation_names_a_source() {
    let ds = load(&shipped(), today()).expect("valid");
    let cited = ds.citations();
    for s in &ds.sources {
        assert!(
            cited.get(&s.id).copied().unwrap_or(0) > 0,
            "source {} is cited by no value: remove it or cite it",
            s.id
        );
    }
    for id in cited.keys() {
        assert!(ds.source(id).is_some(), "{id} is cited but not a source");
    }
    // The Llama 4 model card backs (at least) Scout's and Maverick's release dates and sizes.
    assert!(
        cited["meta-llama4-card"] >= 6,
        "{:?}",
        cited.get("meta-llama4-card")
    );
}

/// The shipped files speak to readers: no note names our own look-up tools or their internal
/// ids ("read_file id 52952940991"), which mean nothing outside a research session.
#[test]
fn no_text_names_the_research_tools() {
    for (name, text) in shipped() {
        for word in ["read_file", "find_string", "find_files", "file id "] {
            assert!(!text.contains(word), "{name} mentions \"{word}\"");
        }
    }
}

#[test]
fn each_source_lists_the_values_it_backs_in_words() {
    let ds = load(&shipped(), today()).expect("valid");
    let by = ds.cited_by();
    let card = &by["meta-llama4-card"];
    for want in [
        "Llama 4 Maverick \u{203a} release date",
        "Llama 4 Maverick \u{203a} total parameters",
        "Llama 4 Maverick \u{203a} benchmarks \u{203a} MMLU-Pro",
        "Claim \u{201c}Llama 4 Maverick hits 80.5 on MMLU Pro\u{201d}",
    ] {
        assert!(
            card.iter().any(|v| v.label == want),
            "{want} not in {card:#?}"
        );
    }
    // A price names its model, provider and date; a GPU its name and field.
    let prices = by
        .values()
        .flatten()
        .filter(|v| v.label.starts_with("GPT-4o price at OpenAI"));
    assert!(prices.clone().count() >= 1);
    // A model's values and prices name the model, to link to its page; a claim or a GPU none.
    assert!(prices
        .into_iter()
        .all(|v| v.model.as_deref() == Some("gpt-4o")));
    for v in by.values().flatten() {
        match &v.model {
            Some(id) => {
                let name = &ds.model(id).expect("a dataset model").name;
                assert!(v.label.starts_with(name.as_str()), "{v:?}");
            }
            None => assert!(
                !ds.models
                    .iter()
                    .any(|m| v.label.starts_with(&format!("{} \u{203a}", m.name))),
                "{v:?} reads as a model's value"
            ),
        }
    }
    assert!(by
        .values()
        .flatten()
        .any(|v| v.label == "NVIDIA H100 SXM (80 GB) \u{203a} memory" && v.model.is_none()));
    // The counts are the lists' lengths, and no list is empty.
    let counts = ds.citations();
    assert_eq!(counts.len(), by.len());
    assert!(by
        .iter()
        .all(|(id, v)| !v.is_empty() && counts[id] == v.len()));
}

/// A name's words, lowercased, without the ones that vary between spellings of one company
/// ("AI", "Microsoft", "Inc"), in order: "Novita AI" and "Novita", "Z.ai (Zhipu AI)" and
/// "Zhipu AI (Z.ai)" have one key.
fn company_key(name: &str) -> Vec<String> {
    let mut words: Vec<String> = name
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !["ai", "microsoft", "inc"].contains(w))
        .map(str::to_string)
        .collect();
    words.sort();
    words
}

/// Fails when two different spellings share a key.
fn assert_one_spelling<'a>(names: impl Iterator<Item = &'a str>, what: &str) {
    let mut seen: std::collections::BTreeMap<Vec<String>, &str> = std::collections::BTreeMap::new();
    for name in names {
        if let Some(other) = seen.insert(company_key(name), name) {
            assert_eq!(other, name, "one {what}, two spellings");
        }
    }
}

#[test]
fn each_seller_and_each_maker_is_spelled_one_way() {
    // "Novita" and "Novita AI" would split one seller in two in the price tables and the
    // cheapest-price pick; two spellings of a maker split the vendor filter and the lists.
    let ds = load(&shipped(), today()).expect("valid dataset");
    assert_one_spelling(ds.prices.iter().map(|p| p.provider.as_str()), "seller");
    assert_one_spelling(ds.models.iter().map(|m| m.vendor.as_str()), "maker");
    assert_eq!(
        company_key("Z.ai (Zhipu AI)"),
        company_key("Zhipu AI (Z.ai)")
    );
    assert_eq!(company_key("Microsoft Azure"), company_key("Azure"));
    assert_ne!(company_key("Google"), company_key("Google Vertex AI"));
}

/// Where the shipped models.json lists model `id`.
fn model_index(id: &str) -> usize {
    let (_, text) = shipped()
        .into_iter()
        .find(|(n, _)| *n == "models.json")
        .expect("models.json is shipped");
    let models: Value = serde_json::from_str(&text).unwrap();
    models
        .as_array()
        .unwrap()
        .iter()
        .position(|m| m["id"] == id)
        .unwrap_or_else(|| panic!("{id} is in the dataset"))
}

#[test]
fn global_layer_kv_heads_need_their_head_size_and_must_divide_the_heads() {
    let i = model_index("gemma-4-31b");
    let files = mutated("models.json", |v| {
        v[i]["architecture"]
            .as_object_mut()
            .unwrap()
            .remove("global_head_dim");
    });
    assert_single_error(
        &files,
        &format!(
            "models[{i}].architecture.global_head_dim: needed with global-layer KV heads and head size"
        ),
    );
    let files = mutated("models.json", |v| {
        v[i]["architecture"]["global_kv_heads"]["value"] = json!(3);
    });
    assert_single_error(
        &files,
        &format!(
            "models[{i}].architecture.global_kv_heads.value: 3 global KV heads do not divide 32 attention heads"
        ),
    );
}

#[test]
fn shared_kv_layers_need_the_layer_pattern_agreeing_with_the_layer_counts_and_leave_a_caching_layer(
) {
    let i = model_index("gemma-4-e2b");
    let files = mutated("models.json", |v| {
        v[i]["architecture"]
            .as_object_mut()
            .unwrap()
            .remove("sliding_window_period");
    });
    assert_single_error(
        &files,
        &format!(
            "models[{i}].architecture.sliding_window_period: kv_shared_layers and sliding_window_period come together"
        ),
    );
    let files = mutated("models.json", |v| {
        v[i]["architecture"]["kv_shared_layers"]["value"] = json!(35);
    });
    assert_single_error(
        &files,
        &format!(
            "models[{i}].architecture.kv_shared_layers.value: 35 shared-KV layers leave none of 35 layers holding a cache"
        ),
    );
    let files = mutated("models.json", |v| {
        v[i]["architecture"]["sliding_window_layers"]["value"] = json!(30);
    });
    assert_single_error(
        &files,
        &format!(
            "models[{i}].architecture.sliding_window_layers.value: 30 sliding-window layers, but 35 layers in groups of 5 (the last of each global) make 28"
        ),
    ); // A zero period is one error, not a division by zero.
    let files = mutated("models.json", |v| {
        v[i]["architecture"]["sliding_window_period"]["value"] = json!(0);
    });
    let errors = errors_of(&files);
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with(&format!("models[{i}].architecture.sliding_window_period"))),
        "{errors:?}"
    );
}

#[test]
fn attention_layers_are_among_the_layers_and_shrink_the_cache() {
    let i = model_index("qwen3.5-397b-a17b");
    let files = mutated("models.json", |v| {
        v[i]["architecture"]["attention_layers"]["value"] = json!(61);
    });
    assert_single_error(
        &files,
        &format!(
            "models[{i}].architecture.attention_layers.value: 61 attention layers is above 60 layers"
        ),
    );
    // The shipped Qwen3.5-397B-A17B caches keys and values in its 15 Gated Attention layers
    // only: 15 × 2 × 2 KV heads × 256 × 2 B = 30,720 B a token in f16.
    let ds = load(&shipped(), today()).expect("the shipped dataset");
    let m = ds.model("qwen3.5-397b-a17b").expect("qwen3.5");
    let layout = llm_atlas::econ::KvLayout::from_architecture(&m.architecture).expect("a layout");
    assert_eq!(layout.bytes(1, llm_atlas::econ::KvCacheType::F16), 30_720.0);
}
