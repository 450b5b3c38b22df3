//! Reusable components.

pub mod dataset;
pub mod download;
pub mod echart;
pub mod finder;
pub mod hardware_select;
pub mod jump;
pub mod resize;
pub mod shell;
pub mod sourced;
pub mod url_state;
