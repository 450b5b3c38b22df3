//! The options of a hardware picker, grouped by kind (data-centre GPUs, graphics cards, Apple
//! silicon, other unified-memory machines) so a list of many devices reads at a glance.

use leptos::prelude::*;

use crate::data::{Dataset, HardwareKind};

/// The kinds in the order their groups are listed, with each group's label.
const GROUPS: [(HardwareKind, &str); 4] = [
    (HardwareKind::DatacenterGpu, "Data-centre GPUs"),
    (HardwareKind::ConsumerGpu, "Graphics cards"),
    (HardwareKind::AppleSilicon, "Apple silicon"),
    (HardwareKind::UnifiedMemory, "Other unified-memory machines"),
];

/// `(group label, [(id, name)])` for every kind the dataset has, devices in dataset order.
pub fn hardware_groups(ds: &Dataset) -> Vec<(&'static str, Vec<(String, String)>)> {
    GROUPS
        .iter()
        .map(|&(kind, label)| {
            let devices = ds
                .hardware
                .iter()
                .filter(|h| h.kind == kind)
                .map(|h| (h.id.clone(), h.name.clone()))
                .collect::<Vec<_>>();
            (label, devices)
        })
        .filter(|(_, devices)| !devices.is_empty())
        .collect()
}

/// The `<optgroup>`s of a hardware `<select>` (its value is a hardware id).
pub fn hardware_options(groups: &[(&'static str, Vec<(String, String)>)]) -> impl IntoView {
    groups
        .iter()
        .map(|(label, devices)| {
            let options = devices
                .iter()
                .map(|(id, name)| view! { <option value=id.clone()>{name.clone()}</option> })
                .collect_view();
            view! { <optgroup label=*label>{options}</optgroup> }
        })
        .collect_view()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_device_is_in_exactly_one_group_in_dataset_order() {
        let ds = crate::data::bundled();
        let groups = hardware_groups(&ds);
        let listed: Vec<&str> = groups
            .iter()
            .flat_map(|(_, d)| d.iter().map(|(id, _)| id.as_str()))
            .collect();
        let mut all: Vec<&str> = ds.hardware.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(listed.len(), all.len(), "each device once");
        let mut sorted = listed.clone();
        sorted.sort();
        all.sort();
        assert_eq!(sorted, all);
        for (label, devices) in &groups {
            let kind = GROUPS.iter().find(|(_, l)| l == label).unwrap().0;
            for (id, _) in devices {
                assert_eq!(ds.hardware.iter().find(|h| &h.id == id).unwrap().kind, kind);
            }
            // Within a group, the dataset's order.
            let ids: Vec<&str> = devices.iter().map(|(id, _)| id.as_str()).collect();
            let want: Vec<&str> = ds
                .hardware
                .iter()
                .filter(|h| h.kind == kind)
                .map(|h| h.id.as_str())
                .collect();
            assert_eq!(ids, want, "{label}");
        }
        assert!(groups
            .iter()
            .any(|(l, _)| *l == "Other unified-memory machines"));
    }
}
