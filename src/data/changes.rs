//! Price changes, read from the prices' retirement days: a seller stopped selling at one price
//! and (perhaps) sells at another from then on. The overview lists the latest ones, announced
//! ones first, so a returning reader sees what moved.

use crate::data::{Dataset, Model, Price, Sourced};

/// One price that ended (or whose end is announced), with the price that replaced it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PriceChange<'a> {
    /// When the earlier price ended, or ends, and where that was read.
    pub retired: &'a Sourced<String>,
    pub model: &'a Model,
    pub ended: &'a Price,
    /// What the same seller charges for the same tier from then on: the earliest later price
    /// (by the day it applies: announced prices count from their start) not itself retired by
    /// [`PriceChange::day`]; for a tier with no such successor (an
    /// introductory price), the seller's later price without a tier, which replaced it.
    /// `None`: the seller stopped selling it.
    pub next: Option<&'a Price>,
    /// The day is after the dataset's date: an announced change, not yet made.
    pub announced: bool,
}

/// One part of a price that differs between `ended` and `next`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Delta {
    /// "input", "cached input" or "output" (per million tokens).
    pub what: &'static str,
    pub before: Option<f64>,
    pub after: Option<f64>,
}

impl<'a> PriceChange<'a> {
    /// The day the earlier price ended, or ends ("YYYY-MM-DD").
    pub fn day(&self) -> &'a str {
        &self.retired.value
    }

    /// The parts of the price that changed, in the order input, cached input, output. Empty
    /// when the seller stopped selling (no `next`).
    pub fn deltas(&self) -> Vec<Delta> {
        let Some(next) = self.next else {
            return Vec::new();
        };
        let parts = [
            (
                "input",
                Some(self.ended.input_usd_per_mtok),
                Some(next.input_usd_per_mtok),
            ),
            (
                "cached input",
                self.ended.cached_input_usd_per_mtok,
                next.cached_input_usd_per_mtok,
            ),
            (
                "output",
                Some(self.ended.output_usd_per_mtok),
                Some(next.output_usd_per_mtok),
            ),
        ];
        parts
            .into_iter()
            .filter(|(_, before, after)| before != after)
            .map(|(what, before, after)| Delta {
                what,
                before,
                after,
            })
            .collect()
    }
}

/// Every ended or announced price change, newest day first (then by model name, seller and
/// tier). A price replaced by one that costs the same (a price read again later) is not a
/// change and is left out.
pub fn price_changes(ds: &Dataset) -> Vec<PriceChange<'_>> {
    let mut changes: Vec<PriceChange<'_>> = ds
        .prices
        .iter()
        .filter_map(|ended| {
            let retired = ended.retired.as_ref()?;
            let day = retired.value.as_str();
            let model = ds.model(&ended.model)?;
            let successor = |tier: &Option<String>| {
                ds.prices
                    .iter()
                    .filter(|p| {
                        p.model == ended.model
                            && p.provider == ended.provider
                            && p.tier == *tier
                            && p.effective_day() > ended.as_of.as_deref()
                            && !p.retired_by(day)
                    })
                    .min_by(|a, b| a.effective_day().cmp(&b.effective_day()))
            };
            let next = successor(&ended.tier)
                .or_else(|| ended.tier.as_ref().and_then(|_| successor(&None)));
            let change = PriceChange {
                retired,
                model,
                ended,
                next,
                announced: day > ds.meta.date.as_str(),
            };
            (change.next.is_none() || !change.deltas().is_empty()).then_some(change)
        })
        .collect();
    changes.sort_by(|a, b| {
        b.day()
            .cmp(a.day())
            .then_with(|| a.model.name.cmp(&b.model.name))
            .then_with(|| a.ended.provider.cmp(&b.ended.provider))
            .then_with(|| a.ended.tier.cmp(&b.ended.tier))
    });
    changes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn retire(p: &mut Price, day: &str) {
        p.retired = Some(Sourced {
            value: day.into(),
            source: p.source.clone(),
            note: None,
        });
    }

    #[test]
    fn the_bundled_changes_come_newest_first_with_what_changed() {
        let ds = crate::data::bundled();
        let changes = price_changes(&ds);
        assert!(!changes.is_empty());
        for w in changes.windows(2) {
            assert!(
                w[0].day() >= w[1].day(),
                "{} before {}",
                w[0].day(),
                w[1].day()
            );
        }
        // Every retired price is either listed or replaced by an equal one.
        let listed = changes.len();
        let retired = ds.prices.iter().filter(|p| p.retired.is_some()).count();
        assert!(listed <= retired);
        // Claude Sonnet 5.5's cache reads went from $0.20 to $0.10 on 2026-10-07, nothing else.
        let sonnet = changes
            .iter()
            .find(|c| c.model.id == "claude-sonnet-5-5")
            .expect("Sonnet 5.5's cache-read cut");
        assert_eq!(sonnet.day(), "2026-10-07");
        assert!(!sonnet.announced);
        assert_eq!(
            sonnet.deltas(),
            vec![Delta {
                what: "cached input",
                before: Some(0.2),
                after: Some(0.1)
            }]
        );
    }

    /// An introductory price (a tier of its own) is replaced by the seller's plain price: a
    /// change of price, not a stop. Tiers that end together with nothing after them (Claude
    /// Sonnet 4.5's two) stay stops.
    #[test]
    fn an_introductory_price_is_followed_by_the_plain_price() {
        let ds = crate::data::bundled();
        let changes = price_changes(&ds);
        let argon = changes
            .iter()
            .find(|c| c.model.id == "gemini-4-argon")
            .expect("Gemini 4 Argon's introductory price ended");
        assert!(argon
            .ended
            .tier
            .as_deref()
            .unwrap()
            .starts_with("introductory"));
        let next = argon.next.expect("the plain price follows");
        assert_eq!(next.tier, None);
        assert_eq!(
            argon.deltas(),
            vec![
                Delta {
                    what: "input",
                    before: Some(2.0),
                    after: Some(4.0)
                },
                Delta {
                    what: "output",
                    before: Some(10.0),
                    after: Some(20.0)
                }
            ]
        );
        // Gemini 3.8 Flash's introductory price ends on 2027-01-01, when the standard price
        // Google announced for that day takes over: an announced change with its successor.
        let flash = changes
            .iter()
            .find(|c| c.model.id == "gemini-3.8-flash")
            .expect("Gemini 3.8 Flash's announced rise");
        assert!(flash.announced);
        assert_eq!(flash.day(), "2027-01-01");
        let next = flash.next.expect("the announced standard price");
        assert_eq!(next.starts.as_ref().unwrap().value, "2027-01-01");
        assert_eq!(
            flash.deltas(),
            vec![
                Delta {
                    what: "input",
                    before: Some(0.75),
                    after: Some(1.5)
                },
                Delta {
                    what: "output",
                    before: Some(3.75),
                    after: Some(7.5)
                }
            ]
        );
        let sonnet: Vec<_> = changes
            .iter()
            .filter(|c| c.model.id == "claude-sonnet-4-5")
            .collect();
        assert_eq!(sonnet.len(), 2);
        assert!(sonnet.iter().all(|c| c.next.is_none()));
    }

    #[test]
    fn a_price_that_ends_without_a_successor_is_a_stop_and_a_later_day_is_announced() {
        let mut ds = crate::data::bundled();
        let date = ds.meta.date.clone();
        let i = ds
            .prices
            .iter()
            .position(|p| {
                let current = ds.current_prices(&p.model);
                current.len() == 1 && std::ptr::eq(current[0], p)
            })
            .expect("a model with one current price");
        let model = ds.prices[i].model.clone();
        retire(&mut ds.prices[i], "2099-01-01");
        let changes = price_changes(&ds);
        let first = changes[0];
        assert_eq!(first.day(), "2099-01-01");
        assert_eq!(first.model.id, model);
        assert!(first.announced);
        assert_eq!(first.next, None);
        assert!(first.deltas().is_empty());
        // Ended by the dataset's date: no longer announced.
        retire(&mut ds.prices[i], &date);
        let again = price_changes(&ds);
        let c = again.iter().find(|c| c.model.id == model).unwrap();
        assert!(!c.announced);
    }

    /// A rise announced ahead of its day, read the same day as the price it replaces: that
    /// price's successor from its start, and no calculator's offer until then.
    #[test]
    fn an_announced_price_follows_from_its_start_and_is_current_only_then() {
        let mut ds = crate::data::bundled();
        let i = ds
            .prices
            .iter()
            .position(|p| {
                let current = ds.current_prices(&p.model);
                p.retired.is_none() && current.len() == 1 && std::ptr::eq(current[0], p)
            })
            .expect("a model with one current price, not retiring");
        let model = ds.prices[i].model.clone();
        let mut rise = ds.prices[i].clone();
        rise.output_usd_per_mtok *= 2.0;
        rise.starts = Some(Sourced {
            value: "2099-01-01".into(),
            source: rise.source.clone(),
            note: None,
        });
        retire(&mut ds.prices[i], "2099-01-01");
        ds.prices.push(rise.clone());
        let today = crate::data::Date::parse(&ds.meta.date).unwrap();
        assert_eq!(ds.validate(today), vec![]);
        assert_eq!(ds.current_prices(&model), vec![&ds.prices[i]]);
        assert_eq!(ds.announced_prices(&model), vec![&rise]);
        let changes = price_changes(&ds);
        let c = changes.iter().find(|c| c.model.id == model).unwrap();
        assert!(c.announced);
        assert_eq!(c.day(), "2099-01-01");
        assert_eq!(c.next, Some(&rise));
        assert_eq!(
            c.deltas(),
            vec![Delta {
                what: "output",
                before: Some(ds.prices[i].output_usd_per_mtok),
                after: Some(rise.output_usd_per_mtok)
            }]
        );
        // From its day the announced price is the offer, and nothing is announced.
        ds.meta.date = "2099-01-01".into();
        assert_eq!(ds.current_prices(&model), vec![&rise]);
        assert!(ds.announced_prices(&model).is_empty());
    }

    #[test]
    fn the_successor_is_the_earliest_later_price_of_the_same_seller_and_tier() {
        let mut ds = crate::data::bundled();
        let i = ds
            .prices
            .iter()
            .position(|p| {
                p.as_of.as_deref() < Some("2026-01-01")
                    && ds
                        .current_prices(&p.model)
                        .iter()
                        .any(|c| std::ptr::eq(*c, p))
            })
            .expect("a current price read before 2026");
        let mut cheaper = ds.prices[i].clone();
        cheaper.as_of = Some("2026-01-01".into());
        cheaper.input_usd_per_mtok /= 2.0;
        let mut later = cheaper.clone();
        later.as_of = Some("2026-02-01".into());
        later.output_usd_per_mtok *= 2.0;
        let mut other_tier = ds.prices[i].clone();
        other_tier.tier = Some("batch".into());
        other_tier.as_of = Some("2025-12-31".into());
        retire(&mut ds.prices[i], "2026-01-01");
        ds.prices
            .extend([later.clone(), other_tier, cheaper.clone()]);
        let changes = price_changes(&ds);
        let c = changes
            .iter()
            .find(|c| std::ptr::eq(c.ended, &ds.prices[i]))
            .unwrap();
        assert_eq!(c.next, Some(&cheaper));
        assert_eq!(c.deltas().len(), 1);
        assert_eq!(c.deltas()[0].what, "input");
        // A successor that costs the same is no change.
        let same = ds.prices[i].clone();
        ds.prices.retain(|p| p != &cheaper && p != &later);
        let mut reread = same;
        reread.retired = None;
        reread.as_of = Some("2026-03-01".into());
        ds.prices.push(reread);
        assert!(!price_changes(&ds)
            .iter()
            .any(|c| std::ptr::eq(c.ended, &ds.prices[i])));
    }
}
